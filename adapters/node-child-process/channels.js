'use strict';
// The FIFOs the runner provides (spec/protocol.md, "Trace events" and "Gates"), with plain
// synchronous file calls: a child blocked on a gate has nothing else to do, and a trace line
// must be written whole before the next step runs.
const fs = require('node:fs');
const path = require('node:path');

const TRACE_ENV = 'STARTJOIN_TRACE';
const GATES_ENV = 'STARTJOIN_GATES';

function environmentPath(variable) {
  const value = process.env[variable];
  if (!value) {
    throw new Error(`environment variable ${variable} is not set: is this driver being run by ` +
                    'the conformance runner?');
  }
  return value;
}

function gatePath(gate) {
  return path.join(environmentPath(GATES_ENV), gate);
}

/** Writes one trace event: open the FIFO, one write of the whole line, close. */
function writeTrace(origin, event, fields = {}) {
  const line = Buffer.from(JSON.stringify({ ...fields, from: origin, event }) + '\n');
  const fd = fs.openSync(environmentPath(TRACE_ENV), fs.constants.O_WRONLY | fs.constants.O_APPEND);
  try {
    let written = 0;
    while (written < line.length) written += fs.writeSync(fd, line, written);
  } finally {
    fs.closeSync(fd);
  }
}

/** Waits on a gate: opens its FIFO, reads exactly one byte, closes it. */
function waitForGate(gate) {
  waitForGateFile(gatePath(gate));
}

function waitForGateFile(file) {
  const fd = fs.openSync(file, 'r');
  try {
    const byte = Buffer.alloc(1);
    for (;;) {
      try {
        if (fs.readSync(fd, byte, 0, 1, null) === 1) return;
        throw new Error(`gate ${file} was closed without being released`);
      } catch (error) {
        // libuv does not retry an interrupted read (uv__fs_read): retry it here.
        if (error.code !== 'EINTR') throw error;
      }
    }
  } finally {
    fs.closeSync(fd);
  }
}

module.exports = { writeTrace, waitForGate, waitForGateFile, gatePath };
