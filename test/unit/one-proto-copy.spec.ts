import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';

/**
 * Loads the service definition in a fresh process, collects garbage and counts the protobufjs
 * Service objects its heap still holds: one per service of SERVICE_PROTO_FILES when only one copy
 * of the definitions is alive (the definition is built from the root the JSON shapes use; a
 * second parse, such as proto-loader's, would show as a second Service per service).
 */
function liveServiceObjects(): { live: number; services: number } {
  const script = `
    const { serviceDefinition } = require('./dist/src/common/grpc/service-definition.js');
    globalThis.kept = serviceDefinition();
    global.gc();
    const file = require('node:v8').writeHeapSnapshot(require('node:path').join(require('node:os').tmpdir(), 'lpf-proto-copies-' + process.pid + '.heapsnapshot'));
    const snapshot = JSON.parse(require('node:fs').readFileSync(file, 'utf8'));
    require('node:fs').rmSync(file);
    const { node_fields: fields, node_types: [types] } = snapshot.snapshot.meta;
    const [typeAt, nameAt] = [fields.indexOf('type'), fields.indexOf('name')];
    let count = 0;
    for (let i = 0; i < snapshot.nodes.length; i += fields.length) {
      if (types[snapshot.nodes[i + typeAt]] === 'object' && snapshot.strings[snapshot.nodes[i + nameAt]] === 'Service') count++;
    }
    // a package definition lists each service (its methods) beside the message types (which have a format)
    const services = Object.values(globalThis.kept).filter((entry) => !('format' in entry)).length;
    console.log(count + ' ' + services);`;
  const run = spawnSync(process.execPath, ['--expose-gc', '-e', script], { encoding: 'utf8', maxBuffer: 1 << 20 });
  assert.equal(run.status, 0, run.stderr);
  const [live, services] = run.stdout.trim().split(' ').map(Number);
  return { live, services };
}

describe('the protobuf definitions', () => {
  it('are held once per process: the gRPC and gRPC-web doors encode with the one root the JSON shapes use', () => {
    const { live, services } = liveServiceObjects();
    assert.ok(services >= 5, `the definition has ${services} services`);
    assert.equal(live, services, 'each service of SERVICE_PROTO_FILES once');
  });
});
