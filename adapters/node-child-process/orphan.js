'use strict';
// The orphan step's descendant (target.js): waits on the gate FIFO given as its argument, then
// exits with 0 (it prints nothing).
const { waitForGateFile } = require('./channels');

waitForGateFile(process.argv[2]);
process.exit(0);
