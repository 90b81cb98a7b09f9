"""nbgrader's Execute preprocessor running every notebook in one shared Jupyter kernel.

Used by tools/assignments.py to autograde: starting a kernel and importing TensorFlow takes longer
than most exercise sections run, and a check autogrades two submissions per chapter. Before each
notebook the kernel gets a clean slate: its user namespace is reset (``%reset -f``), Matplotlib
figures are closed, the Keras session is cleared and the working directory becomes the notebook's,
so a notebook cannot see anything an earlier one defined; imported modules stay loaded. A kernel
that died is replaced by a new one.
"""

from __future__ import annotations

from jupyter_core.utils import run_sync
from nbclient import NotebookClient
from nbgrader.preprocessors import Execute

RESET = """\
get_ipython().run_line_magic("reset", "-f")
import os as _os, sys as _sys
if "matplotlib.pyplot" in _sys.modules:
    _sys.modules["matplotlib.pyplot"].close("all")
if "keras" in _sys.modules:
    _sys.modules["keras"].backend.clear_session()
_os.chdir({path!r})
del _os, _sys
"""

_KERNEL = {}


def shared_kernel_manager(client: Execute, nb):
    """The process's kernel manager, started on first use (or again after the kernel died)."""
    km = _KERNEL.get("km")
    if km is not None and not run_sync(km.is_alive)():
        shutdown_shared_kernel()
        km = None
    if km is None:
        name = client.kernel_name or nb.metadata.get("kernelspec", {}).get("name", "python3")
        km = client.kernel_manager_class(kernel_name=name, config=client.config)
        run_sync(km.start_kernel)(extra_arguments=list(client.extra_arguments))
        _KERNEL["km"] = km
    return km


def shutdown_shared_kernel() -> None:
    km = _KERNEL.pop("km", None)
    if km is not None:
        try:
            run_sync(km.shutdown_kernel)(now=True)
        except RuntimeError:
            pass


class SharedKernelExecute(Execute):
    """nbgrader's Execute with a kernel that outlives the notebook (see the module docstring)."""

    def preprocess(self, nb, resources=None, km=None):
        NotebookClient.__init__(self, nb, shared_kernel_manager(self, nb))
        self.reset_execution_trackers()
        self._check_assign_resources(resources)
        path = (resources or {}).get("metadata", {}).get("path") or "."
        with self.setup_kernel():
            assert self.kc is not None
            info = self.wait_for_reply(self.kc.kernel_info())
            self.nb.metadata["language_info"] = info["content"]["language_info"]
            self._clean_slate(path)
            for index, cell in enumerate(self.nb.cells):
                self.preprocess_cell(cell, resources, index)
        self.set_widgets_metadata()
        if self.kc is not None:
            self.kc.stop_channels()
            self.kc = None
        return self.nb, self.resources

    def _clean_slate(self, path: str) -> None:
        import os

        msg_id = self.kc.execute(RESET.format(path=os.path.abspath(path)), silent=True,
                                 store_history=False)
        reply = self.wait_for_reply(msg_id)
        if reply is None or reply["content"]["status"] != "ok":
            content = reply["content"] if reply else {}
            raise RuntimeError(f"could not reset the shared kernel: {content.get('ename')}: "
                               f"{content.get('evalue')}")
