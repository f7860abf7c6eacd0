"""The applicant API (会计人员): the account pages and the information-collection wizard for mobile apps.

Thin like the pages: the same forms validate (so the same Chinese messages come back, per field), the
same services write (``kuaiji.accounts.services``, ``verification``, ``signin``; ``kuaiji.collection
.services``), and an applicant reaches only their own submission and files — anything else is 404.
"""

from ninja import Router

from ..auth import ApplicantAuth

router = Router(tags=["会计人员"])
applicant_auth = ApplicantAuth()

# The routes register themselves on ``router``, in the order the documentation lists them.
# isort: off
from . import accounts  # noqa: E402, F401
from . import submission  # noqa: E402, F401
from . import section_steps  # noqa: E402, F401
# isort: on
