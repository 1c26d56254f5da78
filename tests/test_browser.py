"""The workspace in a real browser: Debian's chromium, headless, driven by Playwright, against
`trialgraph serve` on a free port with generated demo patients loaded into a temporary store.
A screenshot of each page goes to test-output/browser/ (git-ignored).

Skipped, with the reason, only where /usr/bin/chromium is absent on a developer's machine;
in CI (CI=true), where .ci/run installs it, its absence fails the tests instead."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests.conftest import ROOT
from tests.test_app_http import free_port, wait_for

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = ROOT / "test-output" / "browser"
DEMO_PATIENTS = 150  # the scenario catalogue: every outcome of every criterion
AS_OF = "2025-06-01"

if not CHROMIUM.exists():
    reason = "Debian's chromium is not installed at /usr/bin/chromium (apt-get install chromium)"
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; .ci/run must install it", pytrace=False)
    pytest.skip(reason, allow_module_level=True)


def trialgraph(*args: str, env: dict[str, str] | None = None) -> str:
    """Run the trialgraph command; return what it printed."""
    command = [str(Path(sys.executable).parent / "trialgraph"), *args]
    done = subprocess.run(
        command, env=env or dict(os.environ), capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """`trialgraph serve` on a free port over a store of demo patients; yields (URL, tokens)."""
    folder = tmp_path_factory.mktemp("browser")
    env = {**os.environ, "TRIALGRAPH_DATA_DIR": str(folder / "data")}
    bundles = str(folder / "bundles")
    trialgraph("generate", str(DEMO_PATIENTS), bundles, "--seed", "1", "--as-of", AS_OF, env=env)
    trialgraph("load", bundles, "--as-of", AS_OF, env=env)
    trialgraph("token", "aggregate", env=env)  # the first one also makes the demo tokens
    demo = (folder / "data" / "demo-tokens.txt").read_text(encoding="utf-8")
    tokens = dict(line.split(" ", 1) for line in demo.splitlines())
    port = free_port()
    env["TRIALGRAPH_PORT"] = str(port)
    command = [str(Path(sys.executable).parent / "trialgraph"), "serve"]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for(f"{url}/ui/protocol", process)
        yield url, tokens
    finally:
        process.terminate()
        process.communicate(timeout=30)


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser):
    """A fresh browser tab with no cookies."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    yield context.new_page()
    context.close()


def shoot(page: Page, name: str, full_page: bool = True) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=full_page)


def sign_in(page: Page, url: str, token: str) -> None:
    page.goto(f"{url}/ui/sign-in")
    page.fill("#token", token)
    page.click("#sign-in")
    expect(page.locator("#signed-in-as")).to_be_visible()


def test_protocol_and_criterion_pages_without_a_token(page, server):
    url, _ = server
    page.goto(f"{url}/ui/protocol")
    expect(page.locator("#criteria tbody tr")).to_have_count(18)
    shoot(page, "protocol")
    page.click("text=EX4")
    expect(page.locator("h1")).to_contain_text("EX4 active hepatitis B or C")
    expect(page.locator("table.codes", has_text="HBsAg value set")).to_contain_text("5196-1")
    expect(page.locator("pre.shape")).to_contain_text("sh:construct")
    shoot(page, "criterion-EX4")


def test_dashboard_renders_its_chart_and_grid(page, server):
    url, tokens = server
    sign_in(page, url, tokens["investigator"])
    page.goto(f"{url}/ui/dashboard")
    expect(page.locator("#screened-total")).to_have_text(str(DEMO_PATIENTS))
    chart = page.locator("svg#attrition-chart")
    expect(chart).to_be_visible()
    assert chart.locator("rect").count() > 2, "no attrition bar drawn"
    assert chart.bounding_box()["height"] > 300
    expect(page.locator("#grid tbody tr")).to_have_count(50)
    expect(page.locator("#grid tbody tr").first.locator("td.cell")).to_have_count(18)
    shoot(page, "dashboard")
    page.click("#next-page")
    expect(page.locator("#grid-count")).to_contain_text("page 2 of 3")
    page.select_option("select[name=status]", "undetermined")
    page.click("#grid-filters button[type=submit]")
    statuses = page.locator("#grid tbody tr td:nth-child(2)").all_inner_texts()
    assert statuses and set(statuses) == {"undetermined"}
    shoot(page, "dashboard-undetermined")


def test_clicking_a_patient_opens_their_page_with_all_18_criteria(page, server):
    url, tokens = server
    sign_in(page, url, tokens["investigator"])
    page.goto(f"{url}/ui/dashboard")
    first = page.locator("a.patient-link").first
    patient_id = first.inner_text()
    first.click()
    expect(page.locator("#patient-id")).to_have_text(patient_id)
    expect(page.locator("section.criterion")).to_have_count(18)
    shoot(page, "patient")


def test_an_unknown_outcome_lists_what_to_collect(page, server):
    url, tokens = server
    sign_in(page, url, tokens["investigator"])
    page.goto(f"{url}/ui/dashboard?criterion=EX4&outcome=unknown")
    page.locator("a.patient-link").first.click()
    ex4 = page.locator("section#EX4")
    expect(ex4).to_have_attribute("data-outcome", "unknown")
    expect(ex4.locator(".collect")).to_contain_text(re.compile(r"dated from \d{4}-\d\d-\d\d to"))
    expect(page.locator("#to-collect li").first).to_be_visible()
    shoot(page, "patient-unknown")


def test_a_canned_query_runs_and_shows_rows(page, server):
    url, tokens = server
    sign_in(page, url, tokens["investigator"])
    page.goto(f"{url}/ui/query")
    page.click("a.example[data-name=assessments]")
    expect(page.locator("#query")).to_contain_text("tg:EligibilityAssessment")
    page.click("#run")
    expect(page.locator("#results tbody tr").first).to_be_visible()
    assert page.locator("#results tbody tr").count() > DEMO_PATIENTS
    shoot(page, "query", full_page=False)  # the first screen: the table runs to 1,000 rows


def test_an_aggregate_sign_in_sees_no_patient_identifiers(page, server):
    url, tokens = server
    sign_in(page, url, tokens["aggregate"])
    page.goto(f"{url}/ui/dashboard")
    expect(page.locator("#suppression")).to_be_visible()
    expect(page.locator("svg#attrition-chart")).to_be_visible()
    assert page.locator("#grid").count() == 0 and page.locator("a.patient-link").count() == 0
    assert "syn-" not in page.content(), "a patient id reached the aggregate role"
    shoot(page, "dashboard-aggregate")
    page.goto(f"{url}/ui/patients/syn-00001")
    expect(page.locator("h1")).to_have_text("403")
    assert "syn-" not in page.content()


def test_a_writer_uploads_a_record_and_sees_it_screened(page, server, tmp_path):
    url, tokens = server
    trialgraph("generate", "1", str(tmp_path), "--seed", "7", "--as-of", AS_OF)
    sign_in(page, url, tokens["writer"])
    page.goto(f"{url}/ui/records")
    page.set_input_files("#record-file", str(next(tmp_path.glob("*.json"))))
    page.click("#upload button[type=submit]")
    expect(page.locator("#stored")).to_contain_text("screened")
    expect(page.locator("#stored table tbody tr")).to_have_count(18)
    shoot(page, "records-upload")
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    page.set_input_files("#record-file", str(broken))
    page.click("#upload button[type=submit]")
    expect(page.locator("#refused")).to_contain_text("not JSON")
    shoot(page, "records-refused")
