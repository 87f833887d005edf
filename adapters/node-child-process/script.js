'use strict';
// Script validation (spec/protocol.md, "Target scripts"): the whole script, nested scripts
// included, is checked at create, before anything runs.
const { ProtocolError } = require('./errors');

const NAME_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;

// The feature each optional step needs; null: a base step. `exec` is a feature this driver
// never declares (Node 20 has no exec), so a script that uses it is refused as unsupported.
const STEP_FEATURES = {
  print: null, eprint: null, trace: null, wait: null, sleep: null, exit: null, raise: null,
  signal: null, report_args: null, report_pid: null, hang: null, busy: null,
  set_global: 'globals', report_global: 'globals', nest: 'nest', orphan: 'orphan', exec: 'exec',
};

function isObject(value) {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function validateScript(script, features, where = '') {
  if (!Array.isArray(script)) {
    throw new ProtocolError('bad_request',
                            `${where}script must be a JSON array of steps, got ${JSON.stringify(script)}`);
  }
  script.forEach((step, index) => validateStep(step, index, features, where));
}

function validateStep(step, index, features, path) {
  const position = `${path}step ${index}`;
  if (!isObject(step) || typeof step.step !== 'string') {
    throw new ProtocolError('bad_request', `${position}: must be an object with a string 'step', ` +
                            `got ${JSON.stringify(step)}`);
  }
  const kind = step.step;
  if (!Object.hasOwn(STEP_FEATURES, kind)) {
    throw new ProtocolError('unsupported', `${position}: unknown step '${kind}'`);
  }
  const where = `${position} (${kind})`;
  const fail = (field, problem) => {
    throw new ProtocolError('bad_request', `${where}: '${field}' ${problem}`);
  };
  const require = (field) => {
    if (!Object.hasOwn(step, field)) fail(field, 'is missing');
    return step[field];
  };
  const text = (field) => {
    if (typeof require(field) !== 'string') fail(field, 'must be a string');
  };
  const name = (field) => {
    text(field);
    if (!NAME_PATTERN.test(step[field])) fail(field, 'must match [A-Za-z0-9_.-]{1,64}');
  };
  const integer = (field, low, high) => {
    const value = require(field);
    if (!Number.isInteger(value) || value < low || value > high) {
      fail(field, `must be an integer in ${low}..${high}`);
    }
  };

  switch (kind) {
    case 'print': case 'eprint': text('text'); break;
    case 'trace': text('event'); break;
    case 'wait': case 'orphan': name('gate'); break;
    case 'sleep': {
      const seconds = require('seconds');
      if (typeof seconds !== 'number' || !(seconds >= 0)) fail('seconds', 'must be a number >= 0');
      break;
    }
    case 'exit': integer('code', 0, 255); break;
    case 'raise': text('message'); break;
    case 'signal': integer('signal', 1, 64); break;
    case 'set_global': text('name'); require('value'); break;
    case 'report_global': text('name'); break;
    case 'nest':
      name('process');
      if (!Array.isArray(require('script'))) fail('script', 'must be a JSON array of steps');
      if (Object.hasOwn(step, 'args') && !Array.isArray(step.args)) fail('args', 'must be a JSON array');
      validateScript(step.script, features, `${where} > `);
      break;
    case 'exec': text('command'); break;
    default: break;
  }
  const feature = STEP_FEATURES[kind];
  if (feature !== null && !features.includes(feature)) {
    throw new ProtocolError('unsupported',
                            `${where} needs feature '${feature}', which this driver does not support`);
  }
}

module.exports = { validateScript, NAME_PATTERN };
