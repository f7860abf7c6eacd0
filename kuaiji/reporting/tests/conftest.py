from kuaiji.archive.tests.conftest import make_record  # noqa: F401
from kuaiji.review.tests.conftest import reviewer_for  # noqa: F401
