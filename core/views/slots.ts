import Handlebars from 'handlebars';

/** The named places in a theme's layout where plugins may add HTML. */
export const slotNames = ['head', 'header', 'footer', 'home', 'media.aside', 'media.after', 'login'] as const;
export type SlotName = (typeof slotNames)[number];

interface SlotEntry {
  owner: string;
  render: (context: Record<string, unknown>, helpers: Record<string, Handlebars.HelperDelegate>) => string;
}

export interface Slots {
  /** Adds a Handlebars template to a slot; returns the undo. Throws on an unknown slot name. */
  add(slot: string, owner: string, template: string): () => void;
  /** Renders the slot's templates with the core helpers (`t`, `eq`…) and plugin i18n. */
  render(slot: string, context: Record<string, unknown>, helpers: Record<string, Handlebars.HelperDelegate>): string;
  readonly version: number;
}

export function createSlots(onError: (err: unknown, owner: string, slot: string) => void): Slots {
  const entries = new Map<string, SlotEntry[]>();
  let version = 0;
  return {
    add(slot, owner, template) {
      if (!(slotNames as readonly string[]).includes(slot)) throw new Error(`Unknown slot "${slot}". Known slots: ${slotNames.join(', ')}`);
      // compile() is lazy: parse now so a syntax error fails the registration, not every page.
      Handlebars.parse(template);
      const compiled = Handlebars.compile(template, { strict: false });
      const entry: SlotEntry = { owner, render: (ctx, helpers) => compiled(ctx, { helpers }) };
      entries.set(slot, [...(entries.get(slot) ?? []), entry]);
      version++;
      return () => {
        entries.set(slot, (entries.get(slot) ?? []).filter((e) => e !== entry));
        version++;
      };
    },
    render(slot, context, helpers) {
      let html = '';
      for (const entry of entries.get(slot) ?? []) {
        try {
          html += entry.render(context, helpers);
        } catch (err) {
          onError(err, entry.owner, slot);
        }
      }
      return html;
    },
    get version() {
      return version;
    },
  };
}
