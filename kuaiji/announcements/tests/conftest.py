from kuaiji.review.tests.conftest import reviewer_for  # noqa: F401
