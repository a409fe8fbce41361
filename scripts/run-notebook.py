"""Execute a notebook headless with nbclient and write the executed copy.

usage: run-notebook.py --kernel NAME [--timeout S] [--startup-timeout S]
                       [--parameters ASSIGNMENTS] [--append FILE] INPUT.ipynb OUTPUT.ipynb

--parameters inserts a code cell (tagged "injected-parameters", papermill's convention) holding
ASSIGNMENTS (e.g. "seed = 7;") right after the cell tagged "parameters"; it is an error when the
notebook has no such cell. --append adds FILE's text as a last code cell (the chapter's checks).

The kernel starts in INPUT's folder. A cell fails when its execute_reply has status "error"
(tslab reports errors only there) or when it produced an "error" output; "raises-exception"
tags are ignored. Exit status: 0 all cells ran, 1 a cell failed (details on stderr), 2 usage/setup error.
"""
import argparse
import os
import sys

from queue import Empty

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionComplete, CellExecutionError
from nbclient.util import ensure_async

# Seconds of silence awaited after the last cell's idle status, for its late outputs.
LATE_OUTPUT_GRACE = 1.0


class LateOutputClient(NotebookClient):
    """An nbclient that files outputs arriving after their cell's idle status under that cell.

    nbclient drops every iopub message whose parent is not the running cell. Deno's kernel sends
    console output from a separate task and can send it after the cell's idle status, more often
    on a busy machine, so those outputs were lost or, in an interactive front end, shown under the
    next cell. Here they go to the cell whose request they answer, and the last cell's late
    outputs are awaited for LATE_OUTPUT_GRACE seconds of silence.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.cells_by_request = {}

    async def _async_poll_output_msg(self, parent_msg_id, cell, cell_index):
        self.cells_by_request[parent_msg_id] = (cell, cell_index)
        while True:
            msg = await ensure_async(self.kc.iopub_channel.get_msg(timeout=None))
            if msg["parent_header"].get("msg_id") == parent_msg_id:
                try:
                    self.process_message(msg, cell, cell_index)
                except CellExecutionComplete:
                    break
            else:
                self.file_late_output(msg)
        if cell_index == len(self.nb.cells) - 1:
            await self.drain_late_outputs()

    def file_late_output(self, msg):
        earlier = self.cells_by_request.get(msg["parent_header"].get("msg_id"))
        if earlier and msg["msg_type"] in ("stream", "display_data"):
            cell, cell_index = earlier
            display_id = msg["content"].get("transient", {}).get("display_id")
            self.output(cell.outputs, msg, display_id, cell_index)

    async def drain_late_outputs(self):
        while True:
            try:
                msg = await ensure_async(self.kc.iopub_channel.get_msg(timeout=LATE_OUTPUT_GRACE))
            except Empty:
                return
            self.file_late_output(msg)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--kernel", required=True, help="kernelspec name")
    parser.add_argument("--timeout", type=int, default=600, help="seconds per cell")
    parser.add_argument("--startup-timeout", type=int, default=120, help="seconds for the kernel to start")
    parser.add_argument("--parameters", help="code inserted after the cell tagged 'parameters'")
    parser.add_argument("--append", help="a file whose text runs as the last cell")
    parser.add_argument("input")
    parser.add_argument("output")
    return parser.parse_args()


def reply_error_text(reply_content):
    name = reply_content.get("ename", "Error")
    value = reply_content.get("evalue", "")
    traceback = "\n".join(reply_content.get("traceback") or [])
    headline = f"{name}: {value}" if value else name
    return "\n".join(part for part in (headline, traceback) if part.strip())


def stderr_text(cell):
    """What the cell wrote to stderr; tslab puts the error message and stack there."""
    streams = [o for o in cell.get("outputs", []) if o.get("output_type") == "stream" and o.get("name") == "stderr"]
    return "".join(o.get("text", "") for o in streams).rstrip()


def last_executed_cell(nb):
    executed = [i for i, cell in enumerate(nb.cells) if cell.get("execution_count") is not None]
    return executed[-1] if executed else 0


def inject_parameters(nb, code):
    """Inserts `code` after the cell tagged 'parameters'; returns False when there is none."""
    for index, cell in enumerate(nb.cells):
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            injected = nbformat.v4.new_code_cell(code, id="injected-parameters")
            injected.metadata["tags"] = ["injected-parameters"]
            nb.cells.insert(index + 1, injected)
            return True
    return False


def main():
    args = parse_args()
    nb = nbformat.read(args.input, as_version=4)
    if args.parameters is not None and not inject_parameters(nb, args.parameters):
        print(f"{args.input} has no cell tagged 'parameters'", file=sys.stderr)
        return 2
    if args.append:
        with open(args.append, encoding="utf-8") as handle:
            nb.cells.append(nbformat.v4.new_code_cell(handle.read(), id="appended-checks"))
    failures = []

    def on_cell_executed(cell, cell_index, execute_reply):
        content = (execute_reply or {}).get("content", {})
        if content.get("status") == "error":
            failures.append((cell_index, reply_error_text(content)))

    client = LateOutputClient(
        nb,
        kernel_name=args.kernel,
        timeout=args.timeout,
        startup_timeout=args.startup_timeout,
        allow_errors=False,
        force_raise_errors=True,
        on_cell_executed=on_cell_executed,
        resources={"metadata": {"path": os.path.dirname(os.path.abspath(args.input))}},
    )
    crash = None
    try:
        client.execute()
    except CellExecutionError as error:
        if not failures:  # normally already recorded by on_cell_executed
            failures.append((last_executed_cell(nb), str(error)))
    except Exception as error:  # timeouts, dead kernels, kernels that do not start
        crash = f"{type(error).__name__}: {error}"
    finally:
        nbformat.write(nb, args.output)

    recorded = {index for index, _ in failures}
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error" and index not in recorded:
                failures.append((index, reply_error_text(output)))
                recorded.add(index)

    for index, text in failures:
        cell = nb.cells[index]
        details = "\n".join(part for part in (text, stderr_text(cell)) if part)
        print(f"cell {index} failed:\n--- source ---\n{cell.source}\n--- error ---\n{details}\n", file=sys.stderr)
    if crash:
        print(f"notebook execution aborted: {crash}", file=sys.stderr)
    return 1 if failures or crash else 0


if __name__ == "__main__":
    sys.exit(main())
