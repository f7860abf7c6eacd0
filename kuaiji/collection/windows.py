"""采集时间: whether a submission of a kind may be sent to a department now, and when it opens if not.

One rule for pages and the API: ``services.submit`` refuses outside a window (a draft is still saved by
every section), and the overview and check pages explain it beforehand. Windows are set per department
(the province for all, or a department for those below it); the nearest department up the tree that has
windows of the kind decides, and a kind with none is always open. A submission returned by its reviewer
can always be resubmitted: the person was asked to.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from kuaiji.regions.models import Department
from kuaiji.regions.selectors import department_by_pk, reference_cache

from .constants import SubmissionKind
from .models import CollectionWindow

KIND_WORDS: dict[str, str] = {
    SubmissionKind.INITIAL: "信息采集",
    SubmissionKind.CHANGE: "信息变更",
    SubmissionKind.TRANSFER: "调转",
}


@dataclass(frozen=True)
class WindowState:
    open: bool
    kind: str
    opens_at: datetime | None = None  # the next opening, when closed
    closes_at: datetime | None = None  # the end of the open window, if it has one
    note: str = ""

    @property
    def message(self) -> str:
        """What the person is told when it is closed (empty when open)."""
        if self.open:
            return ""
        words = KIND_WORDS.get(self.kind, "提交")
        if self.opens_at is not None:
            when = timezone.localtime(self.opens_at).strftime("%Y年%-m月%-d日 %H:%M")
            text = f"{words}暂未开放，将于 {when} 开放提交。您填写的内容已保存，届时可直接提交。"
        else:
            text = f"本期{words}已结束，暂不能提交。您填写的内容已保存；下次开放时间请关注通知公告。"
        return f"{text}{self.note}" if self.note else text


#: Windows change a few times a year: each process keeps them this long (and forgets them at once when
#: one is saved in this process), so no hot page pays a query for them.
CACHE_SECONDS = 60
CACHE_KEY = "collection-windows"


def _all_windows() -> list[CollectionWindow]:
    windows = reference_cache.get(CACHE_KEY)
    if windows is None:
        windows = list(CollectionWindow.objects.all())
        reference_cache.set(CACHE_KEY, windows, CACHE_SECONDS)
    return windows


def forget_windows(**_kwargs) -> None:
    reference_cache.delete(CACHE_KEY)


def _deciding_windows(kind: str, department: Department) -> list[CollectionWindow]:
    """The windows of the nearest department at or above ``department`` that has any for ``kind``."""
    windows = [window for window in _all_windows() if window.kind == kind]
    if not windows:
        return []
    current: Department | None = department
    for _level in range(6):  # county → prefecture → province, and then some
        if current is None:
            break
        own = [window for window in windows if window.department_id == current.pk]
        if own:
            return own
        current = department_by_pk(current.parent_id) if current.parent_id else None
    return []


def window_state(*, kind: str, department: Department | None, now: datetime | None = None) -> WindowState:
    """Whether ``kind`` may be submitted at ``now`` by a person managed by ``department``: the windows of
    the nearest department at or above it that has any for ``kind`` decide."""
    if department is None:
        return WindowState(open=True, kind=kind)
    now = now or timezone.now()
    windows = _deciding_windows(kind, department)
    if not windows:
        return WindowState(open=True, kind=kind)
    current = [w for w in windows if w.opens_at <= now and (w.closes_at is None or now < w.closes_at)]
    if current:
        ends = [w.closes_at for w in current if w.closes_at is not None]
        return WindowState(
            open=True,
            kind=kind,
            closes_at=max(ends) if len(ends) == len(current) else None,
            note=current[0].note,
        )
    upcoming = sorted((w for w in windows if w.opens_at > now), key=lambda w: w.opens_at)
    if upcoming:
        return WindowState(open=False, kind=kind, opens_at=upcoming[0].opens_at, note=upcoming[0].note)
    return WindowState(open=False, kind=kind)


def submission_window(submission, *, answers: dict | None = None) -> WindowState:
    """The window ``submission`` would be sent in now, for the pages to explain before the person tries:
    from the management department its answers name (else the province, whose windows apply to all). A returned one is
    always open. No query once the departments and windows are cached."""
    from kuaiji.regions.selectors import provincial_department

    from .constants import Status

    if submission.status == Status.RETURNED:
        return WindowState(open=True, kind=submission.kind)
    values = answers if answers is not None else submission.answers
    chosen = (values.get("employer") or {}).get("management_department")
    management = department_by_pk(int(chosen)) if chosen and str(chosen).isdigit() else None
    return window_state(kind=submission.kind, department=management or provincial_department())
