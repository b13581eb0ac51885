/**
 * Builds models (base + fine-tuned), files (every purpose and sample type) and libraries with documents.
 */
import type { WireDocument, WireFile, WireModelCard, ModelCapabilityKey } from '../shared/mistral-wire.ts';
import { BASE_MODELS, DOCUMENT_KINDS, LIBRARY_NAMES, SENSITIVE_FILE_NAMES } from './catalog.ts';
import type { Rng } from './prng.ts';
import type { SimLibrary } from './types.ts';
import { DAY_MS, iso, unixSeconds } from './time.ts';

function caps(keys: readonly ModelCapabilityKey[]): Partial<Record<ModelCapabilityKey, boolean>> {
  const out: Partial<Record<ModelCapabilityKey, boolean>> = {
    completion_chat: false,
    function_calling: false,
    vision: false,
  };
  for (const k of keys) out[k] = true;
  return out;
}

/** `count` cards: about 70% base (catalogue order), the rest fine-tuned on chat base models. */
export function buildModels(rng: Rng, count: number, nowMs: number): WireModelCard[] {
  if (count <= 0) return [];
  const fineTuned = count >= 2 ? Math.max(1, Math.floor(count * 0.3)) : 0;
  const baseCount = Math.min(count - fineTuned, BASE_MODELS.length);
  const ftCount = count - baseCount;
  const cards: WireModelCard[] = [];
  for (const spec of BASE_MODELS.slice(0, baseCount)) {
    const card: WireModelCard = {
      id: spec.id,
      object: 'model',
      created: unixSeconds(nowMs - rng.int(200, 700) * DAY_MS),
      owned_by: 'mistralai',
      capabilities: caps(spec.capabilities),
      name: spec.name,
      description: `${spec.name} by Mistral AI`,
      max_context_length: spec.maxContext,
      aliases: spec.aliases.slice(),
      deprecation: null,
      deprecation_replacement_model: null,
      default_model_temperature: spec.chat ? 0.3 : null,
      type: 'base',
    };
    if (spec.deprecation) {
      const delta = rng.int(30, 180) * DAY_MS;
      card.deprecation = iso(spec.deprecation === 'past' ? nowMs - delta : nowMs + delta);
      card.deprecation_replacement_model = spec.replacement ?? null;
    }
    cards.push(card);
  }
  const roots = BASE_MODELS.filter((m) => m.chat).slice(0, 4);
  for (let i = 0; i < ftCount; i++) {
    const root = roots[i % roots.length].id;
    const createdMs = nowMs - rng.int(10, 300) * DAY_MS;
    const d = new Date(createdMs);
    const ymd = `${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, '0')}${String(d.getUTCDate()).padStart(2, '0')}`;
    cards.push({
      id: `ft:${root}:${rng.hex(8)}:${ymd}:${rng.hex(8)}`,
      object: 'model',
      created: unixSeconds(createdMs),
      owned_by: rng.hex(12),
      capabilities: caps(['completion_chat', 'function_calling']),
      name: null,
      description: null,
      max_context_length: 32768,
      aliases: [],
      deprecation: null,
      deprecation_replacement_model: null,
      default_model_temperature: null,
      type: 'fine-tuned',
      job: rng.uuid(),
      root,
      archived: rng.chance(0.25),
    });
  }
  return cards;
}

/** Model ids an agent may use. */
export function chatModelIds(models: readonly WireModelCard[]): string[] {
  const ids = models
    .filter((m) => m.type === 'fine-tuned' || (m.type === 'base' && m.capabilities?.completion_chat))
    .map((m) => m.id);
  return ids.length ? ids : ['mistral-small-latest'];
}

const FILE_KINDS: readonly {
  purpose: string;
  sample: string;
  name: (rng: Rng) => string;
  mime: string;
  source: string;
}[] = [
  {
    purpose: 'fine-tune',
    sample: 'instruct',
    name: (r) => `support_train_v${r.int(1, 9)}.jsonl`,
    mime: 'application/jsonl',
    source: 'upload',
  },
  {
    purpose: 'batch',
    sample: 'batch_request',
    name: (r) => `batch_input_${r.hex(6)}.jsonl`,
    mime: 'application/jsonl',
    source: 'upload',
  },
  {
    purpose: 'ocr',
    sample: 'instruct',
    name: (r) => `invoice_scan_${r.int(1000, 9999)}.pdf`,
    mime: 'application/pdf',
    source: 'upload',
  },
  {
    purpose: 'fine-tune',
    sample: 'pretrain',
    name: (r) => `faq_corpus_${r.hex(4)}.jsonl`,
    mime: 'application/jsonl',
    source: 'repository',
  },
  {
    purpose: 'batch',
    sample: 'batch_result',
    name: (r) => `batch_output_${r.hex(8)}.jsonl`,
    mime: 'application/jsonl',
    source: 'mistral',
  },
  {
    purpose: 'batch',
    sample: 'batch_error',
    name: (r) => `batch_errors_${r.hex(8)}.jsonl`,
    mime: 'application/jsonl',
    source: 'mistral',
  },
];

export function buildFiles(rng: Rng, count: number, nowMs: number): WireFile[] {
  const files: WireFile[] = [];
  for (let i = 0; i < count; i++) {
    const kind = FILE_KINDS[i % FILE_KINDS.length];
    const sensitive = i % 7 === 6;
    const createdMs = nowMs - rng.int(1, 200) * DAY_MS - rng.int(0, DAY_MS - 1);
    const filename = sensitive
      ? SENSITIVE_FILE_NAMES[Math.floor(i / 7) % SENSITIVE_FILE_NAMES.length]
      : kind.name(rng);
    const jsonl = filename.endsWith('.jsonl');
    const e = rng.next();
    files.push({
      id: rng.uuid(),
      object: 'file',
      bytes: rng.int(2_000, 50_000_000),
      created_at: unixSeconds(createdMs),
      filename,
      purpose: kind.purpose,
      sample_type: kind.sample,
      num_lines: jsonl ? rng.int(10, 100_000) : null,
      mimetype: filename.endsWith('.csv') ? 'text/csv' : kind.mime,
      source: kind.source,
      signature: rng.chance(0.3) ? rng.hex(64) : null,
      expires_at:
        e < 0.7
          ? null
          : e < 0.85
            ? unixSeconds(nowMs + rng.int(1, 60) * DAY_MS)
            : unixSeconds(nowMs - rng.int(1, 30) * DAY_MS),
      visibility: rng.pick(['workspace', 'workspace', 'user', null]),
    });
  }
  return files;
}

const PROCESS_STATES: readonly [string, string][] = [
  ['done', 'Completed'],
  ['done', 'Completed'],
  ['done', 'Completed'],
  ['in_progress', 'Running'],
  ['error', 'Failed'],
  ['todo', 'Pending'],
];

export function buildLibraries(rng: Rng, count: number, maxDocs: number, nowMs: number): SimLibrary[] {
  const libs: SimLibrary[] = [];
  for (let i = 0; i < count; i++) {
    const id = rng.uuid();
    const base = LIBRARY_NAMES[i % LIBRARY_NAMES.length];
    const name = i < LIBRARY_NAMES.length ? base : `${base} ${Math.floor(i / LIBRARY_NAMES.length) + 1}`;
    const createdMs = nowMs - rng.int(60, 400) * DAY_MS;
    const ownerType = rng.pick(['Workspace', 'User', 'User']);
    const ownerId = rng.chance(0.85) ? rng.uuid() : null;
    const docCount = rng.int(0, maxDocs);
    const documents: WireDocument[] = [];
    let updatedMs = createdMs;
    for (let d = 0; d < docCount; d++) {
      const kind = rng.pick(DOCUMENT_KINDS);
      const docMs = createdMs + rng.int(0, Math.max(0, nowMs - createdMs - 60_000));
      updatedMs = Math.max(updatedMs, docMs);
      const [process, processing] = rng.pick(PROCESS_STATES);
      const size = rng.int(1_000, 20_000_000);
      documents.push({
        id: rng.uuid(),
        library_id: id,
        hash: rng.chance(0.8) ? rng.hex(64) : null,
        mime_type: kind.mime,
        extension: kind.ext,
        size,
        name: `${base.toLowerCase().replace(/ /g, '_')}_${d + 1}.${kind.ext}`,
        summary: rng.chance(0.5) ? `Summary of ${base.toLowerCase()} document ${d + 1}` : null,
        created_at: iso(docMs),
        last_processed_at: process === 'done' ? iso(docMs + rng.int(1_000, 120_000)) : null,
        number_of_pages: kind.ext === 'pdf' || kind.ext === 'docx' ? rng.int(1, 300) : null,
        process_status: process,
        uploaded_by_id: rng.chance(0.9) ? rng.uuid() : null,
        uploaded_by_type: rng.pick(['User', 'Workspace']),
        tokens_processing_main_content: null,
        tokens_processing_summary: null,
        url: null,
        attributes: null,
        expires_at: null,
        processing_status: processing,
        tokens_processing_total: process === 'done' ? rng.int(100, 500_000) : 0,
      });
    }
    libs.push({
      library: {
        id,
        name,
        created_at: iso(createdMs),
        updated_at: iso(updatedMs),
        owner_id: ownerId,
        owner_type: ownerType,
        total_size: documents.reduce((s, d) => s + (d.size ?? 0), 0),
        nb_documents: documents.length,
        chunk_size: rng.chance(0.5) ? null : 1024,
        emoji: null,
        description: rng.chance(0.6) ? `${base} for the team` : null,
        generated_description: null,
        explicit_user_members_count: null,
        explicit_workspace_members_count: null,
        org_sharing_role: rng.chance(0.2) ? 'Viewer' : null,
        generated_name: null,
      },
      documents,
    });
  }
  return libs;
}
