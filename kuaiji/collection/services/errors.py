"""Why a change to a submission was refused."""


class DraftConflict(Exception):
    """The draft changed since the page was opened (another tab or device saved it)."""


class NotEditable(Exception):
    pass
