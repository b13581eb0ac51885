import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startHeapGovernor } from './heap-governor.ts';

const tick = () => new Promise((r) => setTimeout(r, 30));

describe('heap governor (one-shot commands: garbage between full collections stays bounded)', () => {
  it('asks for a full collection once the heap grew past the headroom, and stops when told', async () => {
    const governor = startHeapGovernor({ headroomMb: 4, intervalMs: 10 });
    try {
      let keep = 0;
      for (let round = 0; round < 40 && governor.collections === 0; round++) {
        // ~8 MB of short-lived garbage per round, like parsed history answers.
        const garbage = Array.from({ length: 40_000 }, (_, i) => ({ i, text: `history ${i} ${round}` }));
        keep += garbage.length;
        await tick();
      }
      assert.ok(keep > 0);
      assert.ok(governor.collections > 0, 'no full collection was asked for');
    } finally {
      governor.stop();
    }
    const after = governor.collections;
    for (let round = 0; round < 5; round++) {
      void Array.from({ length: 40_000 }, (_, i) => ({ i }));
      await tick();
    }
    assert.equal(governor.collections, after, 'collections asked for after stop()');
  });

  it('leaves a heap that does not grow alone', async () => {
    const governor = startHeapGovernor({ headroomMb: 512, intervalMs: 10 });
    try {
      await tick();
      await tick();
      assert.equal(governor.collections, 0);
    } finally {
      governor.stop();
    }
  });
});
