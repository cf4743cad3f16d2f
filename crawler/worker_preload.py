"""What the CPU workers' fork server loads before it forks them (crawler/cpu.py).

The server imports this module only when the crawl analyses: Kiwi is loaded
and warmed up there once, without threads of its own, and every worker
forked from the server starts with it, in memory they share, instead of
each loading its own 350 MB for 2 s while the crawl waits.
"""
from crawler.cpu import warm_up
from extractors.analysis import load_kiwi

load_kiwi(threads=False)
warm_up()
