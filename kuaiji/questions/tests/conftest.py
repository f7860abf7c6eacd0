from kuaiji.review.tests.conftest import reviewer_for  # noqa: F401 (the fixture: a signed-in reviewer of a department)
