import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tools"))  # repository tooling (annotate, datacard) is not in the wheel
SAMPLES = REPO / "data" / "samples"
WEB = REPO / "data" / "sources" / "web_notices.jsonl"


def seed_texts() -> dict[str, str]:
    return {p.stem: p.read_text("utf-8") for p in sorted(SAMPLES.glob("*.txt"))}


def web_records() -> list[dict]:
    return [json.loads(line) for line in WEB.read_text("utf-8").splitlines()]


@pytest.fixture(scope="session")
def seeds() -> dict[str, str]:
    return seed_texts()


@pytest.fixture(scope="session")
def all_texts() -> dict[str, str]:
    texts = seed_texts()
    texts.update({r["id"]: r["text"] for r in web_records()})
    return texts


# --- a real browser: the HTML views are checked in headless Chromium (skipped without one) ---

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--disable-dev-shm-usage", "--hide-scrollbars", "--mute-audio"]


def find_chromium() -> str | None:
    explicit = os.environ.get("NOTICE_NLP_CHROMIUM")
    if explicit:
        return explicit
    return next((path for path in map(shutil.which, CHROMIUM_NAMES) if path), None)


def run_chromium(binary: str, *args: str) -> subprocess.CompletedProcess:
    with tempfile.TemporaryDirectory(prefix="nv-chromium-") as profile:
        return subprocess.run([binary, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
                              capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="session")
def chromium() -> str:
    binary = find_chromium()
    if not binary:
        pytest.skip("no chromium binary found (install Debian's `chromium`, or set NOTICE_NLP_CHROMIUM)")
    return binary


def check_screenshot(binary: str, url: str, shot: Path, size: tuple[int, int], keep_env: str) -> None:
    """Take a screenshot of ``url`` at ``size``: a PNG, not a blank page (with Pillow: that
    size, many colours). Copied to the path in the environment variable ``keep_env`` if set."""
    done = run_chromium(binary, f"--window-size={size[0]},{size[1]}", f"--screenshot={shot}", url)
    assert done.returncode == 0 and shot.is_file(), done.stderr[-2000:]
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 50_000
    try:
        from PIL import Image
    except ImportError:
        pass
    else:
        with Image.open(shot) as image:
            assert image.size == size
            colours = image.convert("RGB").resize((size[0] // 4, size[1] // 4)).getcolors(maxcolors=1_000_000)
            assert len(colours) > 200  # not a blank page
    keep = os.environ.get(keep_env)
    if keep:
        shutil.copyfile(shot, keep)
