'use strict';
// startjoin driver for Node.js's child_process.fork() (spec/protocol.md, protocol 1):
//
//     node adapters/node-child-process/driver.js
//
// Requests arrive on fd 3, replies leave on fd 4. Each child is a new Node process that fork()
// starts on target.js, which interprets the target script in JavaScript. Protocol 1 only: Node
// cannot fork itself, so there is no case server and each test case starts a fresh driver.
// node_process.js says how each operation maps to child_process; session.js answers requests.
const fs = require('node:fs');
const net = require('node:net');
const readline = require('node:readline');
const { Session } = require('./session');

const REQUEST_FD = 3;
const REPLY_FD = 4;

/**
 * Opens the runner's descriptor `fd` again, close-on-exec (libuv opens everything with
 * O_CLOEXEC), and closes the original. libuv's spawn does not close inherited descriptors in
 * the child, so the runner's fds 3 and 4, which are not close-on-exec, would otherwise reach
 * every child: fork() puts the IPC channel over fd 3, but fd 4 would stay open in each.
 */
function reopenCloseOnExec(fd, flags) {
  const copy = fs.openSync(`/proc/self/fd/${fd}`, flags);
  fs.closeSync(fd);
  return copy;
}

function main() {
  const requestFd = reopenCloseOnExec(REQUEST_FD, fs.constants.O_RDONLY);
  const replyFd = reopenCloseOnExec(REPLY_FD, fs.constants.O_WRONLY);
  // Replies with blocking writes: nothing is left in a buffer when the program ends.
  const send = (message) => {
    const data = Buffer.from(JSON.stringify(message) + '\n');
    let written = 0;
    while (written < data.length) written += fs.writeSync(replyFd, data, written);
  };

  const session = new Session();
  send(session.hello());
  const input = new net.Socket({ fd: requestFd, readable: true, writable: false });
  const lines = readline.createInterface({ input, crlfDelay: Infinity });
  (async () => {
    for await (const line of lines) {
      send(await session.answer(line));
      if (session.shutdownRequested) break;
    }
    // shutdown, or end of file: the runner is gone. The program's main code is over; Node
    // ends once its event loop is empty, that is once every child it started has exited
    // (each ChildProcess's handle keeps the loop alive). Stop reading so fd 3 does not.
    lines.close();
    input.destroy();
  })();
}

main();
