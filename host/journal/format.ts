import { z } from 'zod';
import { utf8 } from '../utf8.js';

/**
 * The journal file (docs/journal.md): JSON Lines. The first line says what the file is and which
 * version of the format wrote it; every other line is one entry, in the order things happened:
 * each step's event first, then what it caused. Bytes are `text` when they are UTF-8, else `base64`.
 */
export const JOURNAL_VERSION = 1;
export const JOURNAL_WORLD = 'romhost:component/state-machine@0.1.0';

export interface JournalHeader {
  readonly romhost: 'journal';
  readonly version: number;
  readonly world: string;
}

export type Bytes = { readonly text: string } | { readonly base64: string };

/** What started a step: a scenario applied, an input, a lifecycle command. */
export type EventEntry =
  | {
      readonly step: number;
      /**
       * The scenario: its file (relative to the journal's folder), its YAML, and the SHA-256 of each
       * component it loaded; with subsystems, each one's file and YAML by subsystem name.
       */
      readonly apply: {
        readonly file: string;
        readonly text: string;
        readonly components: Readonly<Record<string, string>>;
        readonly subsystems?: Readonly<Record<string, { readonly file: string; readonly text: string }>>;
      };
    }
  | ({ readonly step: number; /** `input/NAME` */ readonly input: string } & Bytes)
  | { readonly step: number; readonly kill: string }
  | { readonly step: number; readonly restart: string }
  | { readonly step: number; readonly hibernate: string }
  | {
      readonly step: number;
      readonly swap: string;
      /** SHA-256 of the component swapped in, and its file (relative to the journal's folder) when it came from one. */
      readonly component: string;
      readonly path: string | null;
    };

/** What a step caused. */
export type CausedEntry =
  | ({ readonly step: number; /** `CHILD/REPORT` */ readonly report: string } & Bytes)
  | { readonly step: number; readonly fault: { readonly child?: string; readonly code: string; readonly message: string } }
  | { readonly step: number; readonly lifecycle: string; readonly child: string; readonly component?: string };

export type JournalEntry = EventEntry | CausedEntry;

export function isEvent(entry: JournalEntry): entry is EventEntry {
  return 'apply' in entry || 'input' in entry || 'kill' in entry || 'restart' in entry || 'hibernate' in entry || 'swap' in entry;
}

const step = z.number().int().positive();
/** An entry whose value is bytes: `text` or `base64`, never both. */
const withBytes = <S extends z.ZodRawShape>(shape: S) =>
  z.union([z.object({ ...shape, text: z.string() }).strict(), z.object({ ...shape, base64: z.string().base64() }).strict()]);

export const headerSchema = z.object({ romhost: z.literal('journal'), version: z.number().int().positive(), world: z.string() }).strict();

/** One line of a journal, checked: a damaged or hand-edited line is refused with what is wrong. */
export const entrySchema = z.union([
  z
    .object({
      step,
      apply: z
        .object({
          file: z.string(),
          text: z.string(),
          components: z.record(z.string(), z.string()),
          subsystems: z.record(z.string(), z.object({ file: z.string(), text: z.string() }).strict()).optional(),
        })
        .strict(),
    })
    .strict(),
  withBytes({ step, input: z.string().startsWith('input/') }),
  z.object({ step, kill: z.string() }).strict(),
  z.object({ step, restart: z.string() }).strict(),
  z.object({ step, hibernate: z.string() }).strict(),
  z.object({ step, swap: z.string(), component: z.string(), path: z.string().nullable() }).strict(),
  withBytes({ step, report: z.string() }),
  z.object({ step, fault: z.object({ child: z.string().optional(), code: z.string(), message: z.string() }).strict() }).strict(),
  z.object({ step, lifecycle: z.string(), child: z.string(), component: z.string().optional() }).strict(),
]);

export function decodeBytes(value: Bytes): Uint8Array {
  return 'text' in value ? utf8(value.text) : new Uint8Array(Buffer.from(value.base64, 'base64'));
}
