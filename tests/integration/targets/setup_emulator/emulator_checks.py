"""Checks that several integration targets make against the emulator's control endpoints.

A target's own checking script imports this file (its directory is ../setup_emulator from the target's).
"""

import json
import sys
import urllib.request


def read(url):
    """The JSON document that a GET of url answers."""
    with urllib.request.urlopen(url) as answer:
        return json.loads(answer.read().decode("utf-8"))


def check_writes(url, methods):
    """(problems, summary): the request log of the emulator at url since its last reset holds writes of exactly
    these methods, in this order (no write at all for an empty list)."""
    writes = [entry["method"] + " " + entry["path"]
              for entry in read(url + "/_emulator/requests")["requests"] if entry["method"] != "GET"]
    problems = [] if [write.split(" ")[0] for write in writes] == methods else [
        "writes %s, expected %s" % (writes, methods)]
    return problems, "writes: %s" % (writes or "none")


def report(target, command, problems, summary):
    """Print each problem on standard error and one line on standard output; return the exit status."""
    for problem in problems:
        print("%s: %s" % (target, problem), file=sys.stderr)
    print(summary if not problems else "%s: %s check failed" % (target, command))
    return 1 if problems else 0
