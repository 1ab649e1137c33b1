"""The HTML report at scale: page size, generation time and memory, opening and searching it in
headless Chromium.

    python benchmarks/report.py [--rows 50000,100000] [--baseline-rows 10000] [--repeat 3]
        [--before /work/before12/src]

Data: ``rulesets/fanwen9/team-city.rules`` and the rows of ``examples/team-city.csv`` repeated
with a fresh 编号 and every vote count moved by a seeded random 0..3, so that ballots differ
(written once per size to a temporary folder). For each size:

- generation: ``python -m evalrules report`` as a whole process, its CPU time (user + system)
  and peak RSS from ``os.wait4``; the page's size in bytes;
- opening: headless Chromium driven over ``--remote-debugging-pipe`` (the DevTools protocol, with
  the standard library only): the time from navigation start until the first frame after the
  load event (``performance.now()`` then);
- a keystroke: the search box's value set and an ``input`` event sent, timed until the next
  frame has been drawn (requestAnimationFrame, then a task), over a few queries; the median.

The baseline is the report before issue 12 (``--before``: the code before it, put first on
PYTHONPATH), measured in the same run at ``--baseline-rows`` (a size it can handle). Each figure
is the median of ``--repeat`` runs. Prints a Markdown table; nothing is asserted.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RULES = ROOT / "rulesets" / "fanwen9" / "team-city.rules"
SAMPLE = ROOT / "examples" / "team-city.csv"
QUERIES = ("较", "较差", "较差 水利", "一票之差", "T01234", "")


def make_data(rows: int, path: Path, seed: int = 12) -> None:
    rng = random.Random(seed)
    with SAMPLE.open(encoding="utf-8-sig", newline="") as f:
        sample = list(csv.DictReader(f))
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, list(sample[0]))
        writer.writeheader()
        for k in range(rows):
            row = dict(sample[k % len(sample)])
            row["编号"] = f"T{k + 1:06d}"
            for column in row:
                if "测评." in column:
                    row[column] = str(int(row[column]) + rng.randint(0, 3))
            writer.writerow(row)


def generate(data: Path, out: Path, src: Path) -> tuple[float, float]:
    """CPU seconds and peak RSS (MB) of one ``evalrules report`` process."""
    env = {**os.environ, "PYTHONPATH": str(src)}
    process = subprocess.Popen([sys.executable, "-m", "evalrules", "report", str(RULES),
                                str(data), "-o", str(out)], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in (0, 1) or not out.exists():
        raise SystemExit(f"report failed: {process.stderr.read().decode()[-2000:]}")
    return usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


class Browser:
    """Headless Chromium over ``--remote-debugging-pipe``: requests on fd 3, answers on fd 4,
    each a JSON text ended by a NUL byte."""

    def __init__(self, chromium: str, profile: Path):
        to_browser_r, self.to_browser = os.pipe()
        self.from_browser, from_browser_w = os.pipe()
        # the child's fds 3 and 4, dup2'd in the child before exec; from fds above 4, so that
        # neither dup2 overwrites the other's source
        to_browser_r = _above(to_browser_r, 100)
        from_browser_w = _above(from_browser_w, 101)
        self.process = subprocess.Popen(
            [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-background-networking", "--disable-component-update",
             "--remote-debugging-pipe", f"--user-data-dir={profile}", "about:blank"],
            pass_fds=(3, 4), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            preexec_fn=lambda: (os.dup2(to_browser_r, 3), os.dup2(from_browser_w, 4)))
        os.close(to_browser_r)
        os.close(from_browser_w)
        self.buffer, self.next_id, self.events = b"", 0, []
        targets = self.call("Target.getTargets")["targetInfos"]
        page = next(t for t in targets if t["type"] == "page")
        self.session = self.call("Target.attachToTarget", targetId=page["targetId"],
                                 flatten=True)["sessionId"]
        self.call("Page.enable", session=True)

    def send(self, method: str, session: bool, **params: object) -> int:
        self.next_id += 1
        message: dict = {"id": self.next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = self.session
        os.write(self.to_browser, json.dumps(message).encode() + b"\0")
        return self.next_id

    def receive(self) -> dict:
        while b"\0" not in self.buffer:
            chunk = os.read(self.from_browser, 1 << 20)
            if not chunk:
                raise SystemExit("chromium closed the pipe")
            self.buffer += chunk
        text, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(text)

    def call(self, method: str, session: bool = False, **params: object) -> dict:
        wanted = self.send(method, session, **params)
        while True:
            message = self.receive()
            if message.get("id") == wanted:
                if "error" in message:
                    raise SystemExit(f"{method}: {message['error']}")
                return message["result"]
            self.events.append(message)

    def wait_for(self, event: str) -> None:
        while True:
            while self.events:
                if self.events.pop(0).get("method") == event:
                    return
            self.events.append(self.receive())

    def evaluate(self, expression: str) -> object:
        result = self.call("Runtime.evaluate", session=True, expression=expression,
                           awaitPromise=True, returnByValue=True)
        return result["result"].get("value")

    def close(self) -> None:
        self.process.kill()
        self.process.wait()


def _above(fd: int, low: int) -> int:
    import fcntl

    high = fcntl.fcntl(fd, fcntl.F_DUPFD, low)
    os.close(fd)
    return high


FRAME = "new Promise(r=>requestAnimationFrame(()=>setTimeout(r)))"


def open_and_search(browser: Browser, page: Path) -> tuple[float, float]:
    """Milliseconds to open the page (navigation start to the first frame after load) and the
    median of a keystroke in the search box (until the next frame)."""
    browser.events.clear()
    browser.call("Page.navigate", session=True, url=page.as_uri())
    browser.wait_for("Page.loadEventFired")
    opened = browser.evaluate(f"{FRAME}.then(()=>performance.now())")
    keys = browser.evaluate(
        "(async()=>{const box=document.getElementById('q'),out=[];"
        f"for(const q of {json.dumps(QUERIES, ensure_ascii=False)}){{"
        "const t=performance.now();box.value=q;box.dispatchEvent(new Event('input'));"
        f"await {FRAME};out.push(performance.now()-t);}}return out;}})()")
    assert isinstance(opened, (int, float)) and isinstance(keys, list)
    return float(opened), statistics.median(keys)


def measure(label: str, rows: int, src: Path, folder: Path, browser: Browser,
            repeat: int) -> dict:
    data = folder / f"data-{rows}.csv"
    if not data.exists():
        make_data(rows, data)
    page = folder / f"{label}-{rows}.html"
    cpu, rss = zip(*(generate(data, page, src) for _ in range(repeat)), strict=True)
    opened, keys = zip(*(open_and_search(browser, page) for _ in range(repeat)), strict=True)
    return {"code": label, "rows": rows, "MB": page.stat().st_size / 1e6,
            "CPU s": statistics.median(cpu), "peak RSS MB": statistics.median(rss),
            "open ms": statistics.median(opened), "keystroke ms": statistics.median(keys)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", default="50000,100000")
    parser.add_argument("--baseline-rows", type=int, default=10_000)
    parser.add_argument("--before", type=Path, default=Path("/work/before12/src"))
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        raise SystemExit("benchmarks/report.py needs chromium (apt-get install chromium)")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        browser = Browser(chromium, folder / "profile")
        try:
            lines = []
            if args.before.exists():
                lines.append(measure("before", args.baseline_rows, args.before, folder, browser,
                                     args.repeat))
            for rows in [args.baseline_rows, *map(int, args.rows.split(","))]:
                lines.append(measure("now", rows, ROOT / "src", folder, browser, args.repeat))
        finally:
            browser.close()
    columns = list(lines[0])
    print("| " + " | ".join(columns) + " |")
    print("|" + "---|" * len(columns))
    for line in lines:
        print("| " + " | ".join(f"{v:.2f}" if isinstance(v, float) else str(v)
                                for v in line.values()) + " |")
    print(f"\n{time.strftime('%Y-%m-%d')}, {os.cpu_count()} CPUs, medians of {args.repeat}")


if __name__ == "__main__":
    main()
