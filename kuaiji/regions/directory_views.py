"""The public contact directory (咨询电话): every active department with its phones, address and office
hours, grouped by the department tree and searchable without JavaScript (``?q=``). No sign-in."""

import re
from dataclasses import dataclass, field

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .models import Department, Division

_PHONE_SEPARATORS = re.compile(r"[,，、;；/]+")
QUERY_MAX_LENGTH = 50


@dataclass
class Phone:
    shown: str
    href: str


@dataclass
class Entry:
    department: Department
    region: str
    phones: list[Phone]
    depth: int

    def matches(self, query: str) -> bool:
        text = " ".join([self.department.name, self.region, self.department.address])
        return query.casefold() in text.casefold()


@dataclass
class Group:
    """A heading (the region the group's first department covers) and the departments under it."""

    title: str
    entries: list[Entry] = field(default_factory=list)


@dataclass
class Section:
    """One top-level department's tree: its own entry and one group per child department."""

    title: str
    root: Entry | None
    groups: list[Group] = field(default_factory=list)

    def __len__(self) -> int:
        return (self.root is not None) + sum(len(group.entries) for group in self.groups)


def phones_of(department: Department) -> list[Phone]:
    """The department's numbers (stored comma-separated), each with a ``tel:`` link; an extension after
    转 is kept in the text but left out of the link."""
    phones = []
    for part in _PHONE_SEPARATORS.split(department.phones):
        number = part.strip()
        if not number:
            continue
        dialled = re.sub(r"[^\d+]", "", number.split("转")[0])
        if dialled:
            phones.append(Phone(shown=number, href=f"tel:{dialled}"))
    return phones


def _region_of(division: Division) -> str:
    """The covered region as an address: 青海省 西宁市 城东区 (statistical placeholders left out)."""
    names = []
    node: Division | None = division
    while node is not None:
        if not node.is_placeholder:
            names.append(node.name)
        node = node.parent
    return " ".join(reversed(names))


def contact_directory(*, query: str = "") -> list[Section]:
    """Active departments as sections (one per department with no active parent — the provinces), each
    holding one group per child department with everything below it, in the order of the tree.

    With ``query``, only departments whose name, covered region or address contains it are kept (with
    the headings of their groups). Inactive departments are hidden; those below one are listed under the
    nearest active department above it. One query.
    """
    every = list(
        Department.objects.select_related("division__parent__parent").order_by("division_id", "name")
    )
    parents = {department.pk: department.parent_id for department in every}
    active = {department.pk for department in every if department.is_active}

    def active_parent(department: Department) -> int | None:
        parent_id, steps = department.parent_id, 0
        while parent_id is not None and parent_id not in active and steps < len(parents):
            parent_id, steps = parents.get(parent_id), steps + 1
        return parent_id if parent_id in active else None

    children: dict[int | None, list[Department]] = {}
    for department in every:
        if department.is_active:
            children.setdefault(active_parent(department), []).append(department)

    def entry(department: Department, depth: int) -> Entry:
        return Entry(department, _region_of(department.division), phones_of(department), depth)

    def below(department: Department, depth: int, seen: set[int]) -> list[Entry]:
        entries = []
        for child in children.get(department.pk, []):
            if child.pk in seen:  # a cycle in the parent links must not loop forever
                continue
            seen.add(child.pk)
            entries.append(entry(child, depth))
            entries.extend(below(child, depth + 1, seen))
        return entries

    sections = []
    for root in children.get(None, []):
        seen = {root.pk}
        section = Section(title=root.division.name, root=entry(root, 0))
        for child in children.get(root.pk, []):
            if child.pk in seen:
                continue
            seen.add(child.pk)
            group = Group(title=child.division.name, entries=[entry(child, 1), *below(child, 2, seen)])
            section.groups.append(group)
        sections.append(section)

    if query:
        for section in sections:
            if section.root is not None and not section.root.matches(query):
                section.root = None
            for group in section.groups:
                group.entries = [e for e in group.entries if e.matches(query)]
            section.groups = [group for group in section.groups if group.entries]
        sections = [section for section in sections if len(section)]
    return sections


@require_GET
def directory(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:QUERY_MAX_LENGTH]
    sections = contact_directory(query=query)
    return render(
        request,
        "regions/directory.html",
        {"sections": sections, "query": query, "count": sum(len(section) for section in sections)},
    )
