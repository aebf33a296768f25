"""Compute the variants: from the cache, or in parallel processes, in a fixed order.

Every variant is computed exactly as ``leernetwerk run`` computes it
(:func:`leernetwerk.pipeline.prepare`, :func:`~leernetwerk.pipeline.run_selection`,
:func:`~leernetwerk.pipeline.run_matching`), so its proposal equals the one
``run`` writes with those settings in ``cycle.toml``. Two savings:

* a variant already in the cache (:mod:`.cache`) is read, not computed;
* variants whose selection settings are equal
  (:func:`.fingerprint.selection_fingerprint`) share one selection: it is
  computed once, and the matching of each of them starts from it.

With ``jobs`` > 1 the solves run in a :class:`~concurrent.futures.ProcessPoolExecutor`
(the selections first, each variant's matching as soon as its selection is
there). A run is deterministic (fixed seed, deterministic time limits), so the
results do not depend on the number of processes; they are returned in the
order of the variants. The worker processes ignore Ctrl-C: the main process
receives it, stops the workers and lets the interrupt end the command (exit
130, nothing written).
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import multiprocessing
import signal
import sys
import time
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field, replace
from typing import Any

from leernetwerk.config import with_overrides
from leernetwerk.errors import Problem, UserError
from leernetwerk.explore.cache import VariantCache
from leernetwerk.explore.fingerprint import selection_fingerprint, variant_key
from leernetwerk.explore.variants import Variant
from leernetwerk.fsutil import sha256_file
from leernetwerk.pipeline import RunInputs, prepare, run_matching, run_selection
from leernetwerk.proposal import Proposal
from matching.selection import SelectionResult

PR_SET_PDEATHSIG = 1
"""prctl(2): the signal a process gets when its parent ends."""

Report = Callable[[str], None]
"""Receives one Dutch progress line per event."""


@dataclass
class RunStats:
    """What an exploration computed (the tests and the benchmark read it)."""

    variants: int = 0
    from_cache: int = 0
    computed: int = 0
    selections: int = 0
    seconds: float = 0.0
    solved: list[str] = field(default_factory=list)
    """Labels of the variants computed (not read from the cache), in order of finishing."""
    selections_by_fingerprint: dict[str, SelectionResult] = field(default_factory=dict)
    """Selections computed so far: later batches (``--drempels``) reuse them."""


def variant_inputs(base: RunInputs, variant: Variant) -> RunInputs:
    """The run inputs of ``variant``: the base's, with its overrides on top."""
    return replace(base, overrides={**dict(base.overrides), **variant.as_dict()})


# --- tasks (top-level functions: they run in worker processes) ------------------------

Outcome = tuple[str, Any]
"""("ok", value) or ("fout", [Problem, …]): a UserError crosses processes as its problems."""


def selection_task(inputs: RunInputs) -> Outcome:
    try:
        return ("ok", run_selection(prepare(inputs)))
    except UserError as error:
        return ("fout", error.problems)


def matching_task(inputs: RunInputs, selection: SelectionResult) -> Outcome:
    try:
        return ("ok", run_matching(prepare(inputs), selection).proposal)
    except UserError as error:
        return ("fout", error.problems)


def _ignore_interrupts() -> None:
    """Worker processes leave Ctrl-C to the main process, which stops them; on Linux
    they also end with it when it is killed outright (no orphan keeps solving)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if sys.platform == "linux":
        with contextlib.suppress(OSError, AttributeError):
            libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


class InlineExecutor(Executor):
    """``--jobs 1``: every task runs at once in this process (same code path)."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        future.set_result(fn(*args, **kwargs))
        return future


def make_executor(jobs: int) -> Executor:
    if jobs <= 1:
        return InlineExecutor()
    method = "fork" if sys.platform == "linux" else "spawn"
    return ProcessPoolExecutor(
        max_workers=jobs,
        mp_context=multiprocessing.get_context(method),
        initializer=_ignore_interrupts,
    )


def stop_executor(executor: Executor) -> None:
    """Stop the worker processes now (Ctrl-C or an error): nothing keeps solving."""
    if not isinstance(executor, ProcessPoolExecutor):
        return
    # No public way to end running tasks before Python 3.14 (terminate_workers).
    processes = list((getattr(executor, "_processes", None) or {}).values())
    for process in processes:
        process.terminate()
    executor.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.join(timeout=10)


# --- the scheduler ----------------------------------------------------------------------


def _failed(variant: Variant, problems: list[Problem]) -> UserError:
    return UserError(
        [
            Problem(message=f"Variant {variant.label}: {str(p).removeprefix('Fout: ')}")
            for p in problems
        ]
    )


def compute_variants(
    base: RunInputs,
    variants: Sequence[Variant],
    *,
    jobs: int,
    cache: VariantCache | None,
    report: Report,
    stats: RunStats | None = None,
) -> list[Proposal]:
    """The proposal of every variant, in the order of ``variants``."""
    stats = stats if stats is not None else RunStats()
    started = time.perf_counter()
    prepared = prepare(base)  # the inputs' own problems before any solving
    input_sha256 = sha256_file(base.workbook)
    configs = [with_overrides(prepared.config, v.as_dict()) for v in variants]
    keys = [variant_key(input_sha256, c, base.places, prepared.history) for c in configs]
    total = len(variants)
    results: list[Proposal | None] = [None] * total
    stats.variants += total

    def line(text: str) -> None:
        report(f"[{time.perf_counter() - started:7.1f} s] {text}")

    groups: dict[str, list[int]] = {}
    for index, variant in enumerate(variants):
        cached = cache.load(keys[index]) if cache is not None else None
        if cached is not None:
            results[index] = cached
            stats.from_cache += 1
            line(f"variant {index + 1} van {total} uit de cache: {variant.label}")
            continue
        groups.setdefault(selection_fingerprint(configs[index]), []).append(index)
    todo = sum(len(g) for g in groups.values())
    new = len([fp for fp in groups if fp not in stats.selections_by_fingerprint])
    if todo:
        line(
            f"{todo} van {total} varianten te berekenen, met {new} nieuwe "
            f"{'selectie' if new == 1 else 'selecties'}, in "
            f"{min(jobs, todo)} {'proces' if min(jobs, todo) == 1 else 'processen'}."
        )
    executor = make_executor(min(jobs, max(todo, 1)))
    try:
        pending: dict[Future[Any], tuple[str, Any]] = {}
        number = 0
        for fingerprint, members in groups.items():
            known = stats.selections_by_fingerprint.get(fingerprint)
            if known is not None:
                for index in members:
                    inputs = variant_inputs(base, variants[index])
                    pending[executor.submit(matching_task, inputs, known)] = ("variant", index)
                continue
            number += 1
            first = variants[members[0]]
            future = executor.submit(selection_task, variant_inputs(base, first))
            pending[future] = ("selectie", (number, fingerprint))
        while pending:
            done, _ = wait(list(pending), return_when=FIRST_COMPLETED)
            for future in sorted(done, key=lambda f: _order(pending[f])):
                kind, what = pending.pop(future)
                status, value = future.result()
                if kind == "selectie":
                    number, fingerprint = what
                    members = groups[fingerprint]
                    if status != "ok":
                        raise _failed(variants[members[0]], value)
                    stats.selections += 1
                    stats.selections_by_fingerprint[fingerprint] = value
                    line(
                        f"selectie {number} van {new} berekend "
                        f"(voor {len(members)} {'variant' if len(members) == 1 else 'varianten'})"
                    )
                    for index in members:
                        inputs = variant_inputs(base, variants[index])
                        pending[executor.submit(matching_task, inputs, value)] = ("variant", index)
                    continue
                index = what
                if status != "ok":
                    raise _failed(variants[index], value)
                proposal: Proposal = value
                results[index] = proposal
                stats.computed += 1
                stats.solved.append(variants[index].label)
                if cache is not None:
                    cache.store(keys[index], proposal)
                score = proposal.quality.objective
                shown = f" (score {score:.1f})" if score is not None else ""
                line(f"variant {index + 1} van {total} berekend: {variants[index].label}{shown}")
    except BaseException:
        stop_executor(executor)
        raise
    executor.shutdown(wait=True)
    stats.seconds += time.perf_counter() - started
    if cache is not None and cache.write_error:
        report(f"Let op: de cache kon niet worden bijgewerkt ({cache.write_error}).")
    return [p for p in results if p is not None]


def _order(entry: tuple[str, Any]) -> tuple[int, int]:
    """Futures finishing together are handled selections first, then by variant order."""
    kind, what = entry
    return (0, what[0]) if kind == "selectie" else (1, what)
