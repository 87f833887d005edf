"""startjoin driver for CPython's multiprocessing.Process (spec/protocol.md, protocol 2).

    python3.X adapters/python/driver.py --start-method fork|spawn|forkserver [--protocol 1|2]
                                        [--module multiprocessing|billiard|multiprocess]

The code is the module startjoin_driver beside this file; this program only runs it. Python
never caches the bytecode of a main program, and spawn and forkserver import the main program
again in every interpreter they start (spawn: every child; forkserver: its server), so the
driver's code lives in a module, whose bytecode the build compiles once per interpreter
(cmake/StartjoinAdapters.cmake) instead of every interpreter compiling it again.
"""

import sys

import startjoin_driver

if __name__ == "__main__":
    sys.exit(startjoin_driver.main(sys.argv[1:]))
