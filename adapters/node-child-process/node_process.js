'use strict';
// One process object of the protocol, on Node's child_process.fork(): what user code writes.
//
//   start         child = fork(target.js, args)       creates and launches in one call
//   join          await once(child, 'exit')           unless exitCode/signalCode are set already
//   join(S)       'exit' raced with setTimeout(S s)   (how Node code bounds a wait)
//   is_alive      exitCode === null && signalCode === null
//   exitcode      exitCode, or -(the number of signalCode)
//   pid           child.pid
//   terminate     child.kill('SIGTERM'); kill: child.kill('SIGKILL')
//
// Why 'exit' and not 'close': 'close' also waits for the child's stdio streams and its IPC
// channel (lib/internal/child_process.js counts them in _closesNeeded). With fork()'s default
// stdio the child writes straight to the parent's own stdout and stderr, so there is no stream
// whose draining orders the child's output before the parent's: the child has written it
// before it exits, and 'exit' comes after waitpid(). The IPC channel, on the other hand, is a
// descriptor descendants can inherit: waiting for it would make join() wait for them
// ([join.descendants]).
const { fork } = require('node:child_process');
const { once } = require('node:events');
const os = require('node:os');
const path = require('node:path');
const { ProtocolError } = require('./errors');

const TARGET_MODULE = path.join(__dirname, 'target.js');
// The child learns which script to run and its handle from this variable; its arguments are
// fork()'s own `args`, the target's argv.
const TARGET_ENV = 'STARTJOIN_NODE_TARGET';

function hasEnded(child) {
  return child.exitCode !== null || child.signalCode !== null;
}

class NodeProcess {
  constructor(handle, script, args) {
    this.handle = handle;
    this.script = script;
    this.args = args;
    this.child = null; // no ChildProcess exists before fork()
    this.spawnError = null;
  }

  start() {
    // fork() is Node's start, and nothing in Node refuses a second one: like user code that
    // assigns fork()'s result to the same variable again, a second start() launches a second
    // child and the object then stands for it ([start.once]).
    const env = { ...process.env, [TARGET_ENV]: JSON.stringify({ handle: this.handle, script: this.script }) };
    const child = fork(TARGET_MODULE, this.args, { env });
    // A failed spawn is reported by an 'error' event on the next tick (EAGAIN, EMFILE, ...);
    // without a listener it would end the driver.
    child.on('error', (error) => { this.spawnError = error; });
    this.child = child;
  }

  /** The ChildProcess, for the operations that act on one. Before start() there is none. */
  started(operation) {
    if (this.child === null) {
      throw new ProtocolError('invalid_state', `${operation}() before start(): Node has no ` +
                              'process object before fork() creates and launches one');
    }
    if (this.spawnError !== null) {
      throw new ProtocolError('system', `fork() failed: ${this.spawnError.message}`);
    }
    return this.child;
  }

  async join() {
    const child = this.started('join');
    // 'exit' is emitted once: a listener added after it would wait forever.
    if (!hasEnded(child)) await once(child, 'exit');
  }

  /** join(timeout): the 'exit' event raced with a timer of `seconds`. True when it has ended. */
  async joinWithin(seconds) {
    const child = this.started('join');
    if (hasEnded(child)) return true;
    const expired = new AbortController();
    const timer = setTimeout(() => expired.abort(), seconds * 1000);
    try {
      await once(child, 'exit', { signal: expired.signal });
      return true;
    } catch (error) {
      if (error.name === 'AbortError') return false;
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  isAlive() {
    return this.child !== null && !hasEnded(this.child);
  }

  exitcode() {
    if (this.child === null) return null;
    if (this.child.signalCode !== null) return -os.constants.signals[this.child.signalCode];
    return this.child.exitCode;
  }

  pid() {
    return this.child === null || this.child.pid === undefined ? null : this.child.pid;
  }

  terminate() {
    this.started('terminate').kill('SIGTERM');
  }

  kill() {
    this.started('kill').kill('SIGKILL');
  }
}

module.exports = { NodeProcess, TARGET_ENV };
