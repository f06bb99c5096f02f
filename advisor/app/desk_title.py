"""The desk's title (how many SKUs have a tracking method) and its first hints, with the store's
own SKUs.

The count comes from `policy list`, which after an accept reads every SKU of the catalog: run in a
worker thread, reading 20,000 policies held the GIL, and the desk's keys, in the very moment the
desk first opens. So the count runs in a forked child (`advisor.app.offload.in_child`) that sends
back only a `PolicyDigest`; one count runs at a time, and one asked for meanwhile runs after it.
"""

from __future__ import annotations

import shlex
from datetime import timedelta

from rich.text import Text
from textual import work
from textual.widgets import RichLog

from advisor.app.desk import PolicyDigest, policy_digest
from advisor.app.offload import in_child
from advisor.app.widgets import TitleBar
from advisor.app.workspace import Workspace
from tracker.errors import as_error


class PolicyTitle:
    """Mixed into the desk screen (which gives `app`, `pending`, `_started` and `_style`)."""

    _counting = False  # a count is running
    _count_again = False  # and another was asked for meanwhile
    _hinted = False  # the first hints are in the log

    def count_policies(self) -> None:
        """Count the stored policies (again) for the title; before the screen is up, its mount
        counts them."""
        if not self._started:  # type: ignore[attr-defined]
            return
        if self._counting:
            if not self._count_again:
                self._count_again = True
                self.pending += 1  # type: ignore[attr-defined]
            return
        self._counting = True
        self.pending += 1  # type: ignore[attr-defined]
        self._count(self.app.workspace)  # type: ignore[attr-defined]

    @work(thread=True, group="desk-title", description="counting the stored policies")
    def _count(self, ws: Workspace) -> None:
        def job() -> PolicyDigest:
            with ws.store_lock:  # where the job runs in this process (no fork)
                return policy_digest(ws)

        app = self.app  # type: ignore[attr-defined]
        try:
            digest = in_child(job, locks=(ws.store_lock,))
        except Exception as exc:  # every error is shown, never a crash of the desk
            app.call_from_thread(self._counted, None, exc)
        else:
            app.call_from_thread(self._counted, digest, None)

    def _counted(self, digest: PolicyDigest | None, error: BaseException | None) -> None:
        self._counting = False
        self.pending -= 1  # type: ignore[attr-defined]
        try:
            if digest is not None:
                self._title(digest)
            elif error is not None:
                self.notify(str(as_error(error)), severity="error", markup=False)  # type: ignore[attr-defined]
        finally:
            if self._count_again:
                self._count_again = False
                self.pending -= 1  # type: ignore[attr-defined]
                self.count_policies()

    def _title(self, digest: PolicyDigest) -> None:
        if not self._hinted:
            self._hinted = True
            self._hint(digest)
        n = digest.count
        self.query_one("#title", TitleBar).update(  # type: ignore[attr-defined]
            f"trackright · tracker desk · {n:,} SKU{'s' if n != 1 else ''} with a tracking method"
        )

    def _hint(self, digest: PolicyDigest) -> None:
        """Examples with the store's own SKUs, so a newcomer's first command works."""
        log = self.query_one("#log", RichLog)
        if not digest.count:
            log.write(
                Text(
                    "No SKUs yet: accept a recommendation with a catalog (f7), or set one here: "
                    "policy set MY-SKU --method serial",
                    style=self._style("text-warning"),
                )
            )
            return
        today = self.app.workspace.clock().date()
        made, expires = today.isoformat(), (today + timedelta(days=365)).isoformat()
        examples: list[str] = []
        follow: list[list[str]] = []  # per method, the commands that go on from its receipt
        for method in ("serial", "lpn", "batch"):
            p = next((p for p in digest.firsts if p.method == method), None)
            if p is None:
                continue
            args = ["receive", p.sku]
            if method == "serial":
                args += ["--serial", "SN-0001", "--serial", "SN-0002"]
                follow.append(
                    [
                        "ship SO-1 --scan SN-0001",
                        "return SO-1 SN-0001 --reason fit",
                        "trace SN-0001",
                    ]
                )
            elif method == "lpn":
                args += ["--generate", "3"]
            if method == "batch" or "lot" in p.capture or "expiry" in p.capture:
                args += ["--lot", "L1"] + (["--qty", "20"] if method == "batch" else [])
            if "mfg_date" in p.capture:
                args += ["--mfg", made]
            if "expiry" in p.capture:
                args += ["--expiry", expires]
            if method == "batch":
                follow.append(
                    [
                        f"ship SO-2 --line {p.sku}:2",
                        f"return SO-2 {p.sku}:L1 --reason damaged",
                        f"trace --lot {p.sku}:L1",
                    ]
                )
            examples.append(f"  {shlex.join(args)}   ({method})")
        log.write(
            Text("Try receiving stock:\n" + "\n".join(examples), style=self._style("text-muted"))
        )
        width = max(40, (log.size.width or self.app.size.width) - 8)  # type: ignore[attr-defined]
        log.write(
            Text(
                "then: "
                + "\n      ".join(line for cmds in follow for line in _packed(cmds, width)),
                style=self._style("text-muted"),
            )
        )


def _packed(commands: list[str], width: int) -> list[str]:
    """Commands joined by ` · ` into lines of at most `width`: a line breaks between two
    commands, never inside one, so each stays whole to copy at any terminal width."""
    lines: list[str] = []
    for command in commands:
        if lines and len(lines[-1]) + 3 + len(command) <= width:
            lines[-1] += " · " + command
        else:
            lines.append(command)
    return lines


__all__ = ["PolicyTitle"]
