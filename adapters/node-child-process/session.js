'use strict';
// The parent side: one Session answers the requests of one driver run (spec/protocol.md,
// "Operations"), each with one reply, one at a time.
const fs = require('node:fs');
const { ProtocolError } = require('./errors');
const { NodeProcess } = require('./node_process');
const { validateScript, NAME_PATTERN } = require('./script');
const { writeTrace } = require('./channels');

// What Node's child_process can back for real. Left out: close (a ChildProcess has no close();
// disconnect() only closes the IPC channel and leaves the object answering as before), daemon
// and name (no such properties: unref() only stops the parent waiting, the child outlives it),
// exec (Node 20 has no exec; process.execve came in 23.11), join_threads (a ChildProcess cannot
// be shared with worker threads) and cases (Node cannot fork itself).
const FEATURES = ['join_timeout', 'terminate', 'kill', 'drop', 'globals', 'nest', 'orphan',
                  'count_fds', 'zombies', 'getpid'];

const OP_FEATURES = {
  terminate: 'terminate', kill: 'kill', close: 'close', drop: 'drop', set_daemon: 'daemon',
  daemon: 'daemon', name: 'name', set_global: 'globals', get_global: 'globals',
  count_fds: 'count_fds', zombies: 'zombies', join_threads: 'join_threads', getpid: 'getpid',
};

// The parent's global variables (ops set_global / get_global): module state of the driver.
const globals = new Map();

function field(request, name) {
  if (!Object.hasOwn(request, name)) throw new ProtocolError('bad_request', `request lacks '${name}'`);
  return request[name];
}

function string(request, name) {
  const value = field(request, name);
  if (typeof value !== 'string') throw new ProtocolError('bad_request', `'${name}' must be a string`);
  return value;
}

/** Pids of this process's children in state Z, ascending, from /proc/PID/stat. */
function zombieChildren() {
  const me = String(process.pid);
  const zombies = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let line;
    try {
      line = fs.readFileSync(`/proc/${entry}/stat`, 'latin1');
    } catch {
      continue; // gone meanwhile
    }
    // "PID (COMM) STATE PPID ...": COMM may hold spaces and ')', so split after the last ')'.
    const fields = line.slice(line.lastIndexOf(')') + 1).trim().split(/\s+/);
    if (fields[0] === 'Z' && fields[1] === me) zombies.push(Number(entry));
  }
  return zombies.sort((a, b) => a - b);
}

class Session {
  constructor() {
    this.processes = new Map(); // handle -> NodeProcess
    this.shutdownRequested = false;
  }

  hello() {
    return { hello: 'startjoin', protocol: 1, implementation: 'node-child-process-fork',
             version: process.version, profile: 'process', features: FEATURES };
  }

  /** The reply to one request line. */
  async answer(line) {
    let request;
    try {
      request = JSON.parse(line);
    } catch (error) {
      return errorReply(null, 'bad_request', `request is not JSON: ${error.message}`);
    }
    const id = typeof request === 'object' && request !== null ? request.id ?? null : null;
    try {
      if (typeof request !== 'object' || request === null || Array.isArray(request)) {
        throw new ProtocolError('bad_request', 'request must be a JSON object');
      }
      const value = await this.run(string(request, 'op'), request);
      return value === undefined ? { id, ok: true } : { id, ok: true, value };
    } catch (error) {
      if (error instanceof ProtocolError) return errorReply(id, error.kind, error.message);
      // An error Node reported (an ErrnoException has a code): the operating system refused.
      if (typeof error.code === 'string' && typeof error.syscall === 'string') {
        return errorReply(id, 'system', `${error.name}: ${error.message}`);
      }
      return errorReply(id, 'internal', `${error.name}: ${error.message}`);
    }
  }

  async run(op, request) {
    if (Object.hasOwn(OP_FEATURES, op) && !FEATURES.includes(OP_FEATURES[op])) {
      throw new ProtocolError('unsupported', `op '${op}' needs feature '${OP_FEATURES[op]}', ` +
                              'which Node\'s child_process does not have');
    }
    switch (op) {
      case 'create': return this.create(request);
      case 'print': return this.print(request);
      case 'trace': writeTrace('parent', string(request, 'event')); return undefined;
      case 'shutdown': this.shutdownRequested = true; return undefined;
      case 'set_global': globals.set(string(request, 'name'), field(request, 'value')); return undefined;
      case 'get_global': {
        const name = string(request, 'name');
        return globals.has(name) ? globals.get(name) : null;
      }
      case 'count_fds': return fs.readdirSync('/proc/self/fd').length - 1; // less the one listing them
      case 'zombies': return zombieChildren();
      case 'getpid': return process.pid;
      case 'drop':
        // What user code does when the variable goes out of scope: nothing reaches Node. The
        // ChildProcess stays referenced by its libuv handle, and the parent still waits for it.
        this.find(request);
        this.processes.delete(request.process);
        return undefined;
      case 'start': this.find(request).start(); return undefined;
      case 'join': return this.join(this.find(request), request);
      case 'is_alive': return this.find(request).isAlive();
      case 'exitcode': return this.find(request).exitcode();
      case 'pid': return this.find(request).pid();
      case 'terminate': this.find(request).terminate(); return undefined;
      case 'kill': this.find(request).kill(); return undefined;
      default: throw new ProtocolError('bad_request', `unknown op '${op}'`);
    }
  }

  find(request) {
    const handle = string(request, 'process');
    const found = this.processes.get(handle);
    if (found === undefined) throw new ProtocolError('bad_request', `unknown process '${handle}'`);
    return found;
  }

  create(request) {
    const handle = string(request, 'process');
    if (!NAME_PATTERN.test(handle)) {
      throw new ProtocolError('bad_request', "'process' must match [A-Za-z0-9_.-]{1,64}");
    }
    if (this.processes.has(handle)) throw new ProtocolError('bad_request', `process '${handle}' exists already`);
    const script = field(request, 'script');
    validateScript(script, FEATURES);
    const args = Object.hasOwn(request, 'args') ? request.args : [];
    if (!Array.isArray(args)) throw new ProtocolError('bad_request', "'args' must be a JSON array");
    if (Object.hasOwn(request, 'daemon')) {
      throw new ProtocolError('unsupported', "create with 'daemon' needs feature 'daemon': a " +
                              'ChildProcess has no daemon flag');
    }
    if (Object.hasOwn(request, 'name')) {
      throw new ProtocolError('unsupported', "create with 'name' needs feature 'name': a " +
                              'ChildProcess has no name');
    }
    this.processes.set(handle, new NodeProcess(handle, script, args));
    return undefined;
  }

  print(request) {
    const text = string(request, 'text');
    const stream = Object.hasOwn(request, 'stream') ? request.stream : 'stdout';
    // Node's normal output, as user code prints; nothing is flushed by the driver.
    if (stream === 'stdout') console.log(text);
    else if (stream === 'stderr') console.error(text);
    else throw new ProtocolError('bad_request', "'stream' must be \"stdout\" or \"stderr\"");
    return undefined;
  }

  async join(object, request) {
    if (!Object.hasOwn(request, 'timeout')) return object.join();
    const timeout = request.timeout;
    if (typeof timeout !== 'number') throw new ProtocolError('bad_request', "'timeout' must be a number of seconds");
    return object.joinWithin(timeout);
  }
}

function errorReply(id, kind, message) {
  return { id, ok: false, error: { kind, message } };
}

module.exports = { Session };
