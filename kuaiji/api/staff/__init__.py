"""The staff API (工作人员): sign-in with password and TOTP code, the review queue, a submission with
its images, the decision, and the archive.

Thin like the pages: the same sign-in throttling (``authenticate`` through django-axes, the address
limit of ``signin``), the same scope layer (``kuaiji.review.scope``, ``kuaiji.archive.selectors``), the
same decision service and the same audit events, each marked ``"via": "api"``.
"""

from ninja import Router

router = Router(tags=["工作人员"])

# The routes register themselves on ``router``, in the order the documentation lists them.
# isort: off
from . import tokens  # noqa: E402, F401
from . import review  # noqa: E402, F401
from . import archive  # noqa: E402, F401
# isort: on
