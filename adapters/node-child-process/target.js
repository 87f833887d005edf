'use strict';
// The target: the module every child runs, started by child_process.fork(). It interprets the
// script it was given (spec/protocol.md, "Target scripts") with Node's own means: console.log,
// process.exit(N), an uncaught Error, process.kill(process.pid, S). Its arguments are the ones
// fork() passed, process.argv after the module's path.
const { spawn } = require('node:child_process');
const path = require('node:path');
const { writeTrace, waitForGate, gatePath } = require('./channels');
const { NodeProcess, TARGET_ENV } = require('./node_process');

// The protocol's global variables: module state, so each process has its own.
const globals = new Map();
let busyCounter = 0; // module state, so the busy loop cannot be optimized away

async function runScript(handle, script, args) {
  for (const step of script) await runStep(step, handle, args);
}

async function runStep(step, handle, args) {
  switch (step.step) {
    case 'print': console.log(step.text); break;
    case 'eprint': console.error(step.text); break;
    case 'trace': writeTrace(handle, step.event); break;
    case 'wait': waitForGate(step.gate); break;
    case 'sleep': // workload only, never used to order events
      await new Promise((resolve) => { setTimeout(resolve, step.seconds * 1000); });
      break;
    case 'exit': process.exit(step.code); break;
    case 'raise': throw new Error(step.message); // uncaught: Node prints it and exits with 1
    case 'signal': process.kill(process.pid, step.signal); break;
    case 'report_args': writeTrace(handle, 'args', { args }); break;
    case 'report_pid': writeTrace(handle, 'pid', { pid: process.pid, ppid: process.ppid }); break;
    case 'hang': // an idle event loop, kept alive by a timer that does nothing: no CPU
      await new Promise(() => { setInterval(() => {}, 2 ** 30); });
      break;
    case 'busy':
      for (;;) busyCounter += 1; // no system call, never ends
    case 'set_global': globals.set(step.name, step.value); break;
    case 'report_global':
      writeTrace(handle, 'global', { name: step.name, value: globals.has(step.name) ? globals.get(step.name) : null });
      break;
    case 'nest': {
      // A process object of the same implementation; its errors are this child's uncaught errors.
      const nested = new NodeProcess(step.process, step.script, step.args ?? []);
      nested.start();
      await nested.join();
      writeTrace(handle, 'nested-exit', { process: step.process, exitcode: nested.exitcode() });
      break;
    }
    case 'orphan': orphan(handle, step.gate); break;
    default: throw new Error(`unknown step ${JSON.stringify(step.step)}`); // validated at create
  }
}

/**
 * A descendant outside the implementation: Node cannot fork() itself, so a plain spawn() of a
 * small Node program that waits on the gate and exits with 0. It keeps what this child has
 * open: stdout, stderr and the IPC channel to the parent (fork()'s fd 3), and this child does
 * not wait for it (unref()).
 */
function orphan(handle, gate) {
  const env = { ...process.env };
  delete env.NODE_CHANNEL_FD; // the orphan holds the channel open; it does not speak on it
  delete env.NODE_CHANNEL_SERIALIZATION_MODE;
  const descendant = spawn(process.execPath, [path.join(__dirname, 'orphan.js'), gatePath(gate)],
                           { stdio: ['inherit', 'inherit', 'inherit', process.channel.fd], env });
  descendant.unref();
  writeTrace(handle, 'orphan', { pid: descendant.pid });
}

function main() {
  const { handle, script } = JSON.parse(process.env[TARGET_ENV]);
  delete process.env[TARGET_ENV]; // not for this child's own children
  runScript(handle, script, process.argv.slice(2));
}

main();
