"""Property-based tests of the whole API against its own OpenAPI schema (schemathesis 4).

The schema is read from the running app (``/api/v1/openapi.json`` through the WSGI application), so every
operation it lists is exercised, whatever has been built so far. Each operation gets a bounded number of
generated requests, valid ones (positive) and invalid ones (negative), sent in process to the WSGI app with
the credentials its security scheme asks for: an applicant's bearer token (the applicant has a started,
complete submission), a reviewer's bearer token (630000, 审核员; someone else's submission is pending) or an
integration key. Every response must not be a server error and, where its status is documented, must
match the schema. Failures are collected (no shrinking) and reported together with the server's traceback;
the totals are printed to the terminal.
"""

import time
import traceback
from collections import defaultdict
from datetime import timedelta

from django.contrib.auth.models import Group
from django.core.signals import got_request_exception, request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.core.failures import FailureGroup
from schemathesis.core.result import Ok

from kuaiji.accounts.constants import StaffRole
from kuaiji.accounts.tests.factories import StaffFactory
from kuaiji.api.models import ApiToken, IntegrationKey
from kuaiji.archive.models import ArchiveRecord
from kuaiji.collection import services
from kuaiji.collection.models import Submission
from kuaiji.collection.tests.factories import SubmissionFactory

SCHEMA_PATH = "/api/v1/openapi.json"
MAX_EXAMPLES = 15  # per operation and generation mode
TARGETED_EXAMPLES = 5  # per operation and known path parameter value (positive mode)
TIME_BUDGET = 50.0  # seconds for the whole run; operations left over are reported, not failed
MODES = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)


def _checks():
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import response_schema_conformance

    return [not_a_server_error, response_schema_conformance]


@pytest.fixture
def wsgi_app():
    """Django's WSGI application, called in process on the test's own connection (inside its transaction).

    Like Django's test client, the request signals must not close the connection between requests."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def server_errors():
    """Tracebacks of the exceptions the app turned into 500s, in order."""
    captured: list[str] = []

    def record(sender, request=None, **kwargs):
        method = getattr(request, "method", "?")
        path = getattr(request, "get_full_path", lambda: "?")()
        captured.append(f"{method} {path}\n{traceback.format_exc()}")

    got_request_exception.connect(record, weak=False)
    yield captured
    got_request_exception.disconnect(record)


@pytest.fixture
def credentials(departments):
    """Headers per kind of security scheme, and a way to undo what fuzzing did to the credentials."""
    lifetime = timedelta(days=1)
    # Through the services, not the API under test.
    applicant = SubmissionFactory.create(complete=True).applicant
    pending = SubmissionFactory.create(submitted=True)

    staff = StaffFactory.create(department=departments["630000"])
    staff.groups.add(Group.objects.get_or_create(name=StaffRole.REVIEWER)[0])
    approved = SubmissionFactory.create(approved=True, reviewer=staff)
    record = ArchiveRecord.objects.get(person=approved.applicant)
    pending_file = pending.revisions.get().attachments.order_by("slot").first()
    own_file = services.portrait_of(Submission.objects.get(applicant=applicant))

    applicant_token, applicant_secret = ApiToken.issue(user=applicant, lifetime=lifetime)
    staff_token, staff_secret = ApiToken.issue(user=staff, lifetime=lifetime)
    _, integration_secret = IntegrationKey.issue(
        name="schemathesis",
        scopes=["collection_status", "extract_verification", "public_lookup"],
        rate_limit_per_minute=1_000_000,
    )

    def restore():
        # DELETE /tokens/current revokes the token it was called with: give it back for the next case.
        ApiToken.objects.filter(pk__in=[applicant_token.pk, staff_token.pk]).update(revoked_at=None)

    return {
        "applicant": {"Authorization": f"Bearer {applicant_secret}"},
        "staff": {"Authorization": f"Bearer {staff_secret}"},
        "integration": {"X-Api-Key": integration_secret},
        "restore": restore,
        # Values of path parameters that reach real rows (the generated ones mostly meet 404).
        "known": {
            "section": ["personal", "employer", "education", "qualification"],
            "item": ["id_front", "basic_info_form", str(own_file.uuid)],
            "submission_uuid": [str(pending.uuid)],
            "attachment_uuid": [str(pending_file.uuid)],
            "record_uuid": [str(record.uuid)],
        },
    }


def _headers_for(operation, schema_raw, credentials) -> dict:
    """The credentials the operation's security requirement names (by its scheme's kind and name)."""
    security = operation.definition.raw.get("security", schema_raw.get("security", []))
    schemes = schema_raw.get("components", {}).get("securitySchemes", {})
    headers: dict = {}
    for requirement in security:
        for name in requirement:
            scheme = schemes.get(name, {})
            if scheme.get("type") == "apiKey":
                headers.update(credentials["integration"])
            elif "staff" in name.lower():
                headers.update(credentials["staff"])
            elif scheme.get("type") == "http":
                headers.update(credentials["applicant"])
    return headers


def _describe(case, response, group: FailureGroup, tracebacks: list[str]) -> str:
    titles = "; ".join(sorted({failure.title for failure in group.exceptions}))
    body = response.text[:600] if response is not None else ""
    text = [
        f"{case.operation.label} [{case.meta.generation.mode.value if case.meta else '?'}]: {titles}",
        f"  status {response.status_code if response is not None else '?'}; body: {body}",
        f"  reproduce: {case.as_curl_command()}",
    ]
    text.extend("  " + line for line in group.args[0].strip().splitlines()[:25])
    for tb in tracebacks:
        text.append("  server traceback:\n    " + tb.strip().replace("\n", "\n    "))
    return "\n".join(text)


@pytest.mark.django_db
def test_api_conforms_to_its_schema_and_never_fails_with_5xx(wsgi_app, credentials, server_errors, request):
    # Credentials are always sent (by us): schemathesis neither generates nor drops security parameters.
    config = schemathesis.Config.from_dict({"generation": {"with-security-parameters": False}})
    schema = schemathesis.openapi.from_wsgi(SCHEMA_PATH, wsgi_app, config=config)
    checks = _checks()
    operations = []
    invalid = []
    for result in schema.get_all_operations():
        if isinstance(result, Ok):
            operations.append(result.ok())
        else:  # an operation schemathesis cannot read is itself a finding
            invalid.append(str(result.err()))

    totals = {"operations": len(operations), "examples": 0, "failures": 0}
    per_operation: dict[str, dict] = defaultdict(
        lambda: {"examples": 0, "failures": 0, "statuses": set(), "modes_without_cases": []}
    )
    reports: list[str] = []
    reported_kinds: set[tuple[str, str]] = set()
    skipped: list[str] = []
    started = time.monotonic()

    def _exercise(operation, mode, headers, stats, path_parameters=None, max_examples=MAX_EXAMPLES):
        @settings(
            max_examples=max_examples,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy(generation_mode=mode, path_parameters=path_parameters))
        def exercise(case):
            credentials["restore"]()
            before = len(server_errors)
            response = None
            try:
                response = case.call(headers=headers)
                stats["statuses"].add(response.status_code)

                case.validate_response(response, checks=checks, headers=headers)
            except FailureGroup as group:
                stats["failures"] += 1
                totals["failures"] += 1
                kind = (case.operation.label, "; ".join(sorted({f.title for f in group.exceptions})))
                if kind not in reported_kinds:
                    reported_kinds.add(kind)
                    reports.append(_describe(case, response, group, server_errors[before:]))
            finally:
                stats["examples"] += 1
                totals["examples"] += 1

        try:
            exercise()
        except Unsatisfiable:
            # Nothing to make invalid (e.g. no parameters, no body): no negative cases for it.
            stats["modes_without_cases"].append(mode.value)

    for operation in operations:
        headers = _headers_for(operation, schema.raw_schema, credentials)
        for mode in MODES:
            if time.monotonic() - started > TIME_BUDGET:
                skipped.append(f"{operation.label} [{mode.value}]")
                continue
            stats = per_operation[operation.label]
            _exercise(operation, mode, headers, stats)
        # Then with path parameters that exist, so the handlers get past their lookups.
        names = [p.name for p in operation.path_parameters if p.name in credentials["known"]]
        if names and time.monotonic() - started <= TIME_BUDGET:
            runs = max(len(credentials["known"][name]) for name in names)
            for index in range(runs):
                values = {
                    name: credentials["known"][name][index % len(credentials["known"][name])]
                    for name in names
                }
                _exercise(
                    operation,
                    GenerationMode.POSITIVE,
                    headers,
                    per_operation[operation.label],
                    path_parameters=values,
                    max_examples=TARGETED_EXAMPLES,
                )

    # A body that is not JSON at all (generated negative cases reach it only now and then): every
    # operation taking JSON must answer it with a documented error, never a 5xx.
    for operation in operations:
        content = operation.definition.raw.get("requestBody", {}).get("content", {})
        if "application/json" not in content:
            continue
        known = credentials["known"]
        path_parameters = {
            p.name: known[p.name][0] if p.name in known else "00000000-0000-4000-8000-000000000000"
            for p in operation.path_parameters
        }
        case = operation.Case(path_parameters=path_parameters, media_type="application/json")
        headers = {
            **_headers_for(operation, schema.raw_schema, credentials),
            "Content-Type": "application/json",
        }
        stats = per_operation[operation.label]
        credentials["restore"]()
        before = len(server_errors)
        response = case.call(headers=headers, data=b'{"version": 1, "data": ')
        stats["statuses"].add(response.status_code)
        stats["examples"] += 1
        totals["examples"] += 1
        try:
            case.validate_response(response, checks=checks, headers=headers)
        except FailureGroup as group:
            stats["failures"] += 1
            totals["failures"] += 1
            reports.append(
                "[malformed JSON body] " + _describe(case, response, group, server_errors[before:])
            )

    elapsed = time.monotonic() - started
    lines = [
        f"schemathesis: {totals['operations']} operations, {totals['examples']} examples, "
        f"{totals['failures']} failing examples ({len(reports)} distinct), {len(server_errors)} server "
        f"errors, {elapsed:.1f} s"
    ]
    for label, stats in sorted(per_operation.items()):
        statuses = ",".join(str(s) for s in sorted(stats["statuses"]))
        lines.append(f"  {label:<62} {stats['examples']:3d} examples  statuses {statuses}")
    if skipped:
        lines.append(f"  over the time budget, not run: {', '.join(skipped)}")
    if invalid:
        lines.append("  operations schemathesis could not read: " + "; ".join(invalid))
    summary = "\n".join(lines)
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    with capture.global_and_fixture_disabled():
        reporter.write_line("")
        reporter.write_line(summary)

    assert totals["operations"] > 0, summary
    assert not invalid, summary
    assert not reports, summary + "\n\n" + "\n\n".join(reports)
    assert not server_errors, summary + "\n\n" + "\n\n".join(server_errors)
