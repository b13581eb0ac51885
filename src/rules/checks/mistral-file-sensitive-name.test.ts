import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rule } from './mistral-file-sensitive-name.ts';
import { context, file } from '../testing/fixtures.ts';
import { one } from '../testing/run.ts';

const categoriesOf = (filename: string) =>
  one(rule, context({ files: [file({ filename })] })).evidence?.categories;

describe('mistral_file_sensitive_name', () => {
  it('PASS: ordinary names (no false hit on words containing a pattern)', () => {
    for (const name of [
      'training-data.jsonl',
      'batch_requests.jsonl',
      'keyboard-shortcuts.pdf',
      'tokenizer_notes.txt',
      'passage.txt',
    ]) {
      assert.equal(one(rule, context({ files: [file({ filename: name })] })).status, 'PASS', name);
    }
  });

  it('FAIL: personal data, secrets, key material and customer exports', () => {
    assert.deepEqual(categoriesOf('employee_SSN_2024.csv'), ['personal_data']);
    assert.deepEqual(categoriesOf('passport-scans.pdf'), ['personal_data']);
    assert.deepEqual(categoriesOf('prod-credentials.txt'), ['secret']);
    assert.deepEqual(categoriesOf('server.pem'), ['key_material']);
    assert.deepEqual(categoriesOf('id_rsa'), ['key_material']);
    assert.deepEqual(categoriesOf('Customer Export Q3.xlsx'), ['customer_export']);
    assert.deepEqual(categoriesOf('api_keys_private.key'), ['secret', 'key_material']);
  });

  it('cannot be UNKNOWN for a listed file (a file always has a name) unless the name was flagged malformed', () => {
    const f = file({
      filename: '',
      dataQuality: [
        {
          resourceType: 'file',
          resourceId: 'file_0001',
          endpoint: '/v1/files',
          issue: 'filename: expected string',
        },
      ],
    });
    assert.equal(one(rule, context({ files: [f] })).status, 'UNKNOWN');
  });
});
