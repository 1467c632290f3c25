"""HiGHS for both engines (the allocation optimiser and the production planner), through
highspy's public API only.

Two things highspy does not do the way the engines need, and how they are done here:

- Its ``Highs()`` constructor switches callbacks on, and that writes HiGHS's banner to the
  C-level stdout before any option can be set: it would corrupt ``--json`` output. The
  instance made here silences itself first, in ``enableCallbacks`` (public), which the
  constructor calls. tests/test_highs.py fails if a new highspy prints again.
- Its background solve (``startSolve``/``wait``/``joinSolve``) keeps its locks on the class,
  so two solves in two threads of one process (two ``allocate`` runs in the API) would wait
  on each other. ``Background`` runs ``run()`` in a thread of its own and stops it with the
  public ``HandleUserInterrupt`` and ``cancelSolve``; the test runs two at once.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping

import highspy
import numpy as np
import scipy.sparse as sp

INF = highspy.kHighsInf


class _Quiet(highspy.Highs):
    def enableCallbacks(self) -> None:
        self.silent()  # before the callbacks are set: setting them writes the banner
        super().enableCallbacks()


def new_highs(options: Mapping[str, bool | int | float | str] | None = None) -> highspy.Highs:
    """A HiGHS instance that writes nothing to stdout, with ``options`` set."""
    h = _Quiet()
    for key, value in (options or {}).items():
        h.setOptionValue(key, value)
    return h


def pass_columns(
    h: highspy.Highs,
    *,
    c: np.ndarray,
    lower: np.ndarray,
    upper: np.ndarray,
    A: sp.csc_matrix,
    row_lower: np.ndarray,
    row_upper: np.ndarray,
    integer: np.ndarray | None,
    maximise: bool,
) -> None:
    """Pass a model held as arrays and a column-wise sparse matrix; infinite bounds become
    HiGHS's infinity, ``integer`` (a bool per column) marks the whole-number columns."""
    n_rows, n_cols = A.shape
    h.passModel(
        n_cols,
        n_rows,
        A.nnz,
        1,  # column-wise matrix
        -1 if maximise else 1,
        0.0,
        np.ascontiguousarray(c, dtype=np.float64),
        np.ascontiguousarray(lower, dtype=np.float64),
        np.ascontiguousarray(np.minimum(upper, INF), dtype=np.float64),
        np.ascontiguousarray(np.maximum(row_lower, -INF), dtype=np.float64),
        np.ascontiguousarray(np.minimum(row_upper, INF), dtype=np.float64),
        A.indptr.astype(np.int32),
        A.indices.astype(np.int32),
        A.data.astype(np.float64),
        (integer if integer is not None else np.zeros(n_cols, dtype=bool)).astype(np.int32),
    )


class Background:
    """A solve running in a thread of its own, which the caller may stop."""

    def __init__(self, h: highspy.Highs) -> None:
        self.h = h
        h.HandleUserInterrupt = True  # cancelSolve then interrupts the run at its next callback
        self._thread = threading.Thread(target=h.run, name="highs-solve", daemon=True)
        self._thread.start()

    def finished(self, timeout: float) -> bool:
        """Whether the solve ended, waiting up to ``timeout`` seconds for it."""
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def stop(self) -> None:
        """Interrupt the solve and wait for it: its best solution so far stays readable."""
        self.h.cancelSolve()
        self._thread.join()

    def join(self) -> None:
        self._thread.join()
