"""Interrupted scan runs: each ``scan_runs`` row records the host and process running it, and when a new
scan run starts (ingest or ``qa rescan``), the runs of this host still marked ``running`` whose process
no longer exists are marked ``interrupted``, as are scan runs of ingest runs already marked so.

Ingest runs get the same treatment from ``qa.ingest.pipeline`` when an ingest starts. Both are done
here through a ``before_insert`` event, so no caller has to remember it.
"""

from __future__ import annotations

import os
import socket

from sqlalchemy import and_, event, select, update

from qa.storage.models import IngestRun, ScanRun
from qa.storage.types import utcnow


def pid_alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    except OSError:
        return False
    return True


def close_interrupted(connection, host: str) -> list[int]:
    """Mark dead ``running`` scan runs as ``interrupted``; return their ids."""
    table = ScanRun.__table__
    dead = [
        run_id
        for run_id, pid in connection.execute(
            select(table.c.id, table.c.pid).where(table.c.status == "running", table.c.host == host)
        )
        if pid != os.getpid() and not pid_alive(pid)
    ]
    ingest = IngestRun.__table__
    orphaned = select(ingest.c.id).where(ingest.c.status == "interrupted")
    dead += (
        connection.execute(select(table.c.id).where(and_(table.c.status == "running", table.c.ingest_run_id.in_(orphaned))))
        .scalars()
        .all()
    )
    if dead:
        connection.execute(
            update(table).where(table.c.id.in_(sorted(set(dead)))).values(status="interrupted", finished_at=utcnow())
        )
    return sorted(set(dead))


@event.listens_for(ScanRun, "before_insert")
def _own_and_close(_mapper, connection, target: ScanRun) -> None:
    here = socket.gethostname()[:255]
    target.host = target.host or here
    target.pid = target.pid or os.getpid()
    close_interrupted(connection, here)  # process ids can only be checked on this host
