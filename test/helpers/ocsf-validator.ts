/**
 * A validator for OCSF events built from OCSF's own source files (there is no npm package and no
 * official JSON Schema for OCSF 1.8.0). It resolves one event class the way the OCSF schema server
 * compiles it:
 *
 * - `extends` chains (detection_finding → finding → base_event; objects → _resource → _entity → object),
 *   a child's attribute definition deep-merged over its parent's;
 * - `$include` of profiles: an included attribute belongs to that profile unless the including file
 *   says `"profile": null`; a profile attribute is only allowed when the event lists the profile in
 *   `metadata.profiles`;
 * - every attribute's definition merged over the dictionary's (type, is_array, enum, sibling), enums
 *   merged key by key (so a class adds values to the dictionary's 0 Unknown / 99 Other);
 * - dictionary types (string_t, integer_t, long_t, float_t, boolean_t, json_t, timestamp_t and the
 *   types derived from them) with their constraints (regex, max_len, range, values);
 * - objects, recursively, with their `constraints` (at_least_one, just_one).
 *
 * An event is valid when every required attribute is present (not null), no attribute is unknown,
 * every value has its type, every enum id is one of the enum's values (and its sibling caption, when
 * given, matches), and class_uid / category_uid / type_uid agree with the class.
 *
 * All schema files reachable from the class are read when the class is loaded, so loading it from the
 * vendored copy (schemas/ocsf-1.8.0) proves the copy is complete; `files` lists what was read.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const OCSF_SCHEMA_DIR = join(import.meta.dirname, '..', '..', 'schemas', 'ocsf-1.8.0');

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

interface EnumValue {
  caption: string;
}

export interface OcsfAttribute {
  name: string;
  /** A dictionary type (…_t) or an object name. */
  type: string;
  isArray: boolean;
  requirement: 'required' | 'recommended' | 'optional';
  enum?: Record<string, EnumValue>;
  sibling?: string;
  /** The profile this attribute belongs to (null: a core attribute). */
  profile: string | null;
  deprecated: boolean;
}

export interface OcsfObject {
  name: string;
  attributes: Record<string, OcsfAttribute>;
  atLeastOne: string[];
  justOne: string[];
  /** `object` itself: an unordered collection of anything (used by `unmapped`). */
  freeForm: boolean;
}

interface TypeConstraints {
  base: 'string_t' | 'integer_t' | 'long_t' | 'float_t' | 'boolean_t' | 'json_t';
  regex: RegExp[];
  maxLen?: number;
  range?: [number, number];
  values?: Json[];
}

export interface OcsfClass {
  name: string;
  classUid: number;
  categoryUid: number;
  event: OcsfObject;
  objects: Map<string, OcsfObject>;
  profiles: Set<string>;
  /** Schema files read, relative to the schema root. */
  files: Set<string>;
  types: Map<string, TypeConstraints>;
}

export interface OcsfIssue {
  path: string;
  message: string;
}

export interface OcsfValidation {
  valid: boolean;
  errors: OcsfIssue[];
  /** Deprecated attributes in use (valid, but an exporter should not emit them). */
  warnings: OcsfIssue[];
}

const BASE_TYPES = new Set(['string_t', 'integer_t', 'long_t', 'float_t', 'boolean_t', 'json_t']);

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Deep merge: b's keys override a's; nested plain objects merge (so enums add values). */
function merge(a: JsonObject | undefined, b: JsonObject | undefined): JsonObject {
  const out: JsonObject = { ...(a ?? {}) };
  for (const [k, v] of Object.entries(b ?? {})) {
    const prev = out[k];
    out[k] = isObject(prev) && isObject(v) ? merge(prev, v) : v;
  }
  return out;
}

/** Load and resolve one OCSF event class from a directory of OCSF source files. */
export function loadOcsfClass(
  root: string = OCSF_SCHEMA_DIR,
  classFile = 'events/findings/detection_finding.json',
): OcsfClass {
  const files = new Set<string>();
  const cache = new Map<string, JsonObject>();
  const read = (rel: string): JsonObject => {
    let v = cache.get(rel);
    if (!v) {
      let text: string;
      try {
        text = readFileSync(join(root, rel), 'utf8');
      } catch {
        throw new Error(`OCSF schema file ${rel} is missing from ${root}`);
      }
      v = JSON.parse(text) as JsonObject;
      cache.set(rel, v);
      files.add(rel);
    }
    return v;
  };

  const dictionary = read('dictionary.json');
  const dictAttrs = (dictionary.attributes ?? {}) as JsonObject;
  const dictTypes = ((dictionary.types as JsonObject)?.attributes ?? {}) as JsonObject;
  const profiles = new Set<string>();

  /** A file's own attributes with its $include'd profiles merged under them. */
  const fileAttributes = (file: JsonObject): JsonObject => {
    const attrs = (file.attributes ?? {}) as JsonObject;
    let out: JsonObject = {};
    for (const inc of (attrs.$include ?? []) as string[]) {
      const profile = read(inc);
      const name = String(profile.name);
      profiles.add(name);
      for (const [k, v] of Object.entries((profile.attributes ?? {}) as JsonObject)) {
        out = merge(out, { [k]: merge({ profile: name }, v as JsonObject) });
      }
    }
    for (const [k, v] of Object.entries(attrs)) {
      if (k === '$include') continue;
      out = merge(out, { [k]: v });
    }
    return out;
  };

  /** Attributes of a file and its ancestors; `locate` maps a parent name to its file. */
  const resolved = (
    rel: string,
    locate: (name: string, from: string) => string,
  ): { file: JsonObject; attributes: JsonObject; chain: JsonObject[] } => {
    const file = read(rel);
    const own = fileAttributes(file);
    if (typeof file.extends !== 'string') return { file, attributes: own, chain: [file] };
    const parent = resolved(locate(file.extends, rel), locate);
    return { file, attributes: merge(parent.attributes, own), chain: [file, ...parent.chain] };
  };

  const typeConstraints = new Map<string, TypeConstraints>();
  const resolveType = (name: string): TypeConstraints => {
    const known = typeConstraints.get(name);
    if (known) return known;
    const def = dictTypes[name] as JsonObject | undefined;
    if (!def) throw new Error(`OCSF type ${name} is not in the dictionary`);
    const parent = typeof def.type === 'string' ? resolveType(def.type) : null;
    if (!parent && !BASE_TYPES.has(name)) throw new Error(`OCSF type ${name} has no base type`);
    const c: TypeConstraints = {
      base: parent ? parent.base : (name as TypeConstraints['base']),
      regex: [...(parent?.regex ?? [])],
      maxLen: parent?.maxLen,
      range: parent?.range,
      values: parent?.values,
    };
    if (typeof def.regex === 'string') c.regex.push(new RegExp(def.regex));
    if (typeof def.max_len === 'number') c.maxLen = def.max_len;
    if (Array.isArray(def.range)) c.range = [Number(def.range[0]), Number(def.range[1])];
    if (Array.isArray(def.values)) c.values = def.values;
    typeConstraints.set(name, c);
    return c;
  };

  const toAttribute = (name: string, local: JsonObject): OcsfAttribute => {
    const dict = dictAttrs[name] as JsonObject | undefined;
    if (!dict) throw new Error(`OCSF attribute ${name} is not in the dictionary`);
    const def = merge(dict, local);
    const type = String(def.type);
    const requirement = (def.requirement ?? 'optional') as OcsfAttribute['requirement'];
    return {
      name,
      type,
      isArray: def.is_array === true,
      requirement,
      ...(isObject(def.enum) ? { enum: def.enum as unknown as Record<string, EnumValue> } : {}),
      ...(typeof def.sibling === 'string' ? { sibling: def.sibling } : {}),
      profile: typeof def.profile === 'string' ? def.profile : null,
      deprecated: def['@deprecated'] !== undefined,
    };
  };

  const objects = new Map<string, OcsfObject>();
  const locateObject = (name: string) => `objects/${name}.json`;
  const loadObject = (name: string): void => {
    if (objects.has(name)) return;
    const { attributes, chain } = resolved(locateObject(name), locateObject);
    const obj: OcsfObject = {
      name,
      attributes: {},
      atLeastOne: [],
      justOne: [],
      freeForm: name === 'object',
    };
    objects.set(name, obj);
    for (const f of chain) {
      const c = (f.constraints ?? {}) as JsonObject;
      if (Array.isArray(c.at_least_one) && obj.atLeastOne.length === 0)
        obj.atLeastOne = c.at_least_one as string[];
      if (Array.isArray(c.just_one) && obj.justOne.length === 0) obj.justOne = c.just_one as string[];
    }
    for (const [k, v] of Object.entries(attributes)) obj.attributes[k] = toAttribute(k, v as JsonObject);
    for (const a of Object.values(obj.attributes)) follow(a);
  };
  const follow = (a: OcsfAttribute): void => {
    if (a.type.endsWith('_t')) resolveType(a.type);
    else loadObject(a.type);
  };

  // Event classes: a parent is in the same folder or at the top of events/ (base_event).
  const locateClass = (name: string, from: string): string => {
    const sibling = join(from, '..', `${name}.json`);
    try {
      read(sibling);
      return sibling;
    } catch {
      return `events/${name}.json`;
    }
  };
  const { file, attributes, chain } = resolved(classFile, locateClass);
  for (const f of chain) for (const p of (f.profiles ?? []) as string[]) profiles.add(p);
  const event: OcsfObject = {
    name: String(file.name),
    attributes: {},
    atLeastOne: [],
    justOne: [],
    freeForm: false,
  };
  for (const [k, v] of Object.entries(attributes)) event.attributes[k] = toAttribute(k, v as JsonObject);
  for (const a of Object.values(event.attributes)) follow(a);

  const categoryName = chain
    .map((f) => f.category)
    .find((c) => typeof c === 'string' && c !== 'other') as string;
  const categories = (read('categories.json').attributes ?? {}) as JsonObject;
  const category = categories[categoryName] as JsonObject | undefined;
  if (!category) throw new Error(`OCSF category ${categoryName} is not in categories.json`);
  const categoryUid = Number(category.uid);
  read('version.json');
  // As the OCSF server compiles a class: class_uid, category_uid and type_uid enumerate this class only.
  const classUid = categoryUid * 1000 + Number(file.uid);
  const classCaption = String(file.caption);
  event.attributes.class_uid.enum = { [classUid]: { caption: classCaption } };
  event.attributes.category_uid.enum = { [categoryUid]: { caption: String(category.caption) } };
  event.attributes.type_uid.enum = Object.fromEntries(
    Object.entries(event.attributes.activity_id.enum ?? {}).map(([id, v]) => [
      String(classUid * 100 + Number(id)),
      { caption: `${classCaption}: ${v.caption}` },
    ]),
  );
  return {
    name: event.name,
    classUid,
    categoryUid,
    event,
    objects,
    profiles,
    files,
    types: typeConstraints,
  };
}

/** Validate one event against a resolved class. */
export function validateOcsfEvent(cls: OcsfClass, event: unknown): OcsfValidation {
  const errors: OcsfIssue[] = [];
  const warnings: OcsfIssue[] = [];
  if (!isObject(event)) {
    return { valid: false, errors: [{ path: '', message: 'an event must be a JSON object' }], warnings };
  }
  const metadata = event.metadata;
  const applied = new Set<string>();
  if (isObject(metadata) && Array.isArray(metadata.profiles)) {
    for (const p of metadata.profiles) {
      if (typeof p === 'string' && cls.profiles.has(p)) applied.add(p);
      else errors.push({ path: 'metadata.profiles', message: `unknown profile ${JSON.stringify(p)}` });
    }
  }

  const checkScalar = (path: string, attr: OcsfAttribute, value: Json): void => {
    const t = cls.types.get(attr.type);
    if (!t) throw new Error(`type ${attr.type} not resolved`);
    const fail = (m: string): void => {
      errors.push({ path, message: `${m} (${attr.type})` });
    };
    switch (t.base) {
      case 'string_t':
        if (typeof value !== 'string') return fail(`expected a string, got ${typeof value}`);
        if (t.maxLen !== undefined && value.length > t.maxLen) fail(`longer than ${t.maxLen}`);
        for (const r of t.regex) if (!r.test(value)) fail(`does not match ${r.source.slice(0, 60)}`);
        break;
      case 'integer_t':
        if (typeof value !== 'number' || !Number.isInteger(value) || value < -(2 ** 31) || value >= 2 ** 31)
          return fail('expected a 32-bit integer');
        break;
      case 'long_t':
        if (typeof value !== 'number' || !Number.isSafeInteger(value))
          return fail('expected a 64-bit integer');
        break;
      case 'float_t':
        if (typeof value !== 'number' || !Number.isFinite(value)) return fail('expected a number');
        break;
      case 'boolean_t':
        if (typeof value !== 'boolean') return fail('expected a boolean');
        break;
      case 'json_t':
        break;
    }
    if (t.range && typeof value === 'number' && (value < t.range[0] || value > t.range[1]))
      fail(`outside ${t.range[0]}..${t.range[1]}`);
    if (t.values && !t.values.includes(value)) fail('not one of the allowed values');
  };

  const checkValue = (path: string, attr: OcsfAttribute, value: Json): void => {
    if (attr.type.endsWith('_t')) checkScalar(path, attr, value);
    else checkObject(path, cls.objects.get(attr.type)!, value);
  };

  const checkObject = (path: string, obj: OcsfObject, value: Json): void => {
    if (!isObject(value)) {
      errors.push({ path, message: `expected a ${obj.name} object` });
      return;
    }
    if (obj.freeForm) return;
    const at = (k: string) => (path ? `${path}.${k}` : k);
    for (const [k, v] of Object.entries(value)) {
      const attr = obj.attributes[k];
      if (!attr) {
        errors.push({ path: at(k), message: `unknown attribute of ${obj.name}` });
        continue;
      }
      if (attr.profile && !applied.has(attr.profile)) {
        errors.push({
          path: at(k),
          message: `attribute of the ${attr.profile} profile, which metadata.profiles does not apply`,
        });
      }
      if (attr.deprecated) warnings.push({ path: at(k), message: 'deprecated attribute' });
      if (v === null) {
        if (attr.requirement === 'required')
          errors.push({ path: at(k), message: 'required attribute is null' });
        continue;
      }
      if (attr.isArray) {
        if (!Array.isArray(v)) {
          errors.push({ path: at(k), message: 'expected an array' });
          continue;
        }
        v.forEach((item, i) => checkValue(`${at(k)}[${i}]`, attr, item));
      } else if (Array.isArray(v)) {
        errors.push({ path: at(k), message: 'expected a single value, got an array' });
        continue;
      } else {
        checkValue(at(k), attr, v);
      }
      if (attr.enum && !attr.isArray) {
        const caption = attr.enum[String(v)]?.caption;
        if (caption === undefined) {
          errors.push({ path: at(k), message: `${JSON.stringify(v)} is not a value of the ${k} enum` });
        } else if (attr.sibling) {
          const s = value[attr.sibling];
          if (String(v) === '99') {
            if (typeof s !== 'string' || s === '')
              errors.push({
                path: at(attr.sibling),
                message: `${k} is 99 (Other): ${attr.sibling} must say what`,
              });
          } else if (s !== undefined && s !== caption) {
            errors.push({
              path: at(attr.sibling),
              message: `must be ${JSON.stringify(caption)} for ${k} ${v}`,
            });
          }
        }
      }
    }
    for (const attr of Object.values(obj.attributes)) {
      if (attr.requirement !== 'required') continue;
      if (attr.profile && !applied.has(attr.profile)) continue;
      if (value[attr.name] === undefined || value[attr.name] === null)
        errors.push({ path: at(attr.name), message: `required attribute of ${obj.name} is missing` });
    }
    const present = (k: string) => value[k] !== undefined && value[k] !== null;
    if (obj.atLeastOne.length > 0 && !obj.atLeastOne.some(present))
      errors.push({ path, message: `${obj.name} needs at least one of ${obj.atLeastOne.join(', ')}` });
    if (obj.justOne.length > 0 && obj.justOne.filter(present).length !== 1)
      errors.push({ path, message: `${obj.name} needs exactly one of ${obj.justOne.join(', ')}` });
  };

  checkObject('', cls.event, event as Json);

  if (event.class_uid !== cls.classUid)
    errors.push({ path: 'class_uid', message: `must be ${cls.classUid} for ${cls.name}` });
  if (event.category_uid !== cls.categoryUid)
    errors.push({ path: 'category_uid', message: `must be ${cls.categoryUid} for ${cls.name}` });
  if (typeof event.activity_id === 'number' && event.type_uid !== cls.classUid * 100 + event.activity_id)
    errors.push({ path: 'type_uid', message: 'must be class_uid * 100 + activity_id' });
  return { valid: errors.length === 0, errors, warnings };
}
