"""The SPARQL endpoint: `kg serve` runs the Oxigraph server read-only on loopback; a browser can use its page."""
from __future__ import annotations

import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from kg import query as q

from .conftest import ROOT

KG = [sys.executable, "-m", "kg.cli"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(out: Path, *extra: str) -> tuple[subprocess.Popen, int]:
    port = free_port()
    proc = subprocess.Popen([*KG, "serve", str(out), "--port", str(port), *extra], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return proc, port
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise AssertionError(f"server did not start: {proc.stderr.read().decode()}")


def stop(proc: subprocess.Popen) -> None:
    os.kill(proc.pid, signal.SIGTERM)  # kg serve execs the server: its pid is the server's
    proc.wait(timeout=10)


@pytest.fixture(scope="module")
def server(seeds_build):
    out, _ = seeds_build
    proc, port = start(out)
    yield out, port
    stop(proc)


def sparql(port: int, query: str, timeout: float = 30) -> dict:
    url = f"http://127.0.0.1:{port}/query?" + urllib.parse.urlencode({"query": query})
    request = urllib.request.Request(url, headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.load(response)


def test_saved_query_over_http_matches_the_embedded_store(server):
    out, port = server
    sparql_text = q.saved_query("regulations_by_district")
    rows = sparql(port, sparql_text)["results"]["bindings"]
    local = q.run(out, sparql_text)
    assert len(rows) == len(local.rows) > 0
    assert {r["regulation"]["value"] for r in rows} == {row[1] for row in local.rows}


def test_updates_are_refused(server):
    _, port = server
    data = urllib.parse.urlencode({"update": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}).encode()
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(urllib.request.Request(f"http://127.0.0.1:{port}/update", data=data), timeout=10)
    assert refused.value.code in (403, 405)
    count = sparql(port, "ASK { <urn:a> <urn:b> <urn:c> }")
    assert count["boolean"] is False


def listening_addresses(port: int) -> set[str]:
    """Local addresses listening on ``port`` (from /proc/net/tcp and tcp6)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        if not os.path.exists(table):
            continue
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if int(hex_port, 16) == port and state == "0A":
                found.add(address)
    return found


def test_binds_loopback_only(server):
    _, port = server
    assert listening_addresses(port) == {"0100007F"}  # 127.0.0.1, nothing else


def test_long_queries_stop_at_the_timeout(seeds_build):
    out, _ = seeds_build
    proc, port = start(out, "--timeout", "1")
    try:
        started = time.monotonic()
        heavy = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
        # The server either refuses with an error status or cuts the streamed answer short.
        with pytest.raises((urllib.error.HTTPError, json.JSONDecodeError, http.client.IncompleteRead,
                            ConnectionError)):
            sparql(port, heavy, timeout=60)
        assert time.monotonic() - started < 20
    finally:
        stop(proc)


def test_serve_without_a_store_fails_in_one_line(tmp_path):
    result = subprocess.run([*KG, "serve", str(tmp_path)], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 3 and "no store" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.skipif(not (shutil.which("chromium") and shutil.which("chromedriver")),
                    reason="Debian's chromium and chromium-driver are installed by `python3 dev.py test`")
def test_query_page_in_headless_chromium(server, tmp_path):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    _, port = server
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium")
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--window-size=1280,900", f"--user-data-dir={tmp_path / 'profile'}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
    try:
        driver.get(f"http://127.0.0.1:{port}/")
        WebDriverWait(driver, 30).until(lambda d: d.execute_script("return !!document.querySelector('.CodeMirror')"))
        driver.execute_script("document.querySelector('.CodeMirror').CodeMirror.setValue(arguments[0]);",
                              q.saved_query("most_cited_regulations"))
        driver.find_element(By.CSS_SELECTOR, ".yasqe_queryButton").click()
        expected = "法治政府建设实施纲要(2015-2020年)"
        WebDriverWait(driver, 30).until(lambda d: expected in d.find_element(By.TAG_NAME, "body").text)
        shot = ROOT / "out" / "screenshots" / "most_cited_regulations.png"
        shot.parent.mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(shot))
        assert shot.read_bytes().startswith(b"\x89PNG") and shot.stat().st_size > 10_000
    finally:
        driver.quit()
