// Search-as-you-type over customers for pick-a-customer dialogs (Ctrl+K, new quote): debounced
// calls to the core's search, stale answers dropped, arrow keys and Enter to choose.
import { nextTick, ref, watch, type Ref } from "vue";
import type { SearchHit } from "../bindings/SearchHit";
import { customerSearch } from "../api";
import { errorText } from "./errors";

/** `list` is the element holding the hits (`data-index` on each), scrolled to keep the active one visible. */
export function useCustomerSearch(
  choose: (hit: SearchHit | undefined) => void | Promise<void>,
  list: Ref<HTMLElement | null>,
) {
  const query = ref("");
  const hits = ref<SearchHit[]>([]);
  const total = ref(0);
  const searched = ref(false);
  const error = ref<string | null>(null);
  const active = ref(0);

  let seq = 0;
  let timer: number | undefined;

  async function runSearch(q: string): Promise<void> {
    const mine = ++seq;
    const text = q.trim();
    if (text === "") {
      hits.value = [];
      total.value = 0;
      searched.value = false;
      error.value = null;
      return;
    }
    try {
      const result = await customerSearch(text, 20);
      if (mine !== seq) return; // a newer query was typed meanwhile
      hits.value = result.hits;
      total.value = result.total;
      active.value = 0;
      searched.value = true;
      error.value = null;
    } catch (err: unknown) {
      if (mine !== seq) return;
      hits.value = [];
      total.value = 0;
      error.value = errorText(err);
    }
  }

  watch(query, (q) => {
    if (timer !== undefined) window.clearTimeout(timer);
    timer = window.setTimeout(() => {
      timer = undefined;
      void runSearch(q);
    }, 120);
  });

  function move(delta: number): void {
    if (hits.value.length === 0) return;
    active.value = (active.value + delta + hits.value.length) % hits.value.length;
    void nextTick(() => {
      list.value?.querySelector<HTMLElement>(`[data-index="${active.value}"]`)?.scrollIntoView({ block: "nearest" });
    });
  }

  function onKey(e: Event | KeyboardEvent): void {
    if (!(e instanceof KeyboardEvent) || e.isComposing) return; // IME candidate selection (pinyin input) uses these keys
    if (e.key === "ArrowDown") move(1);
    else if (e.key === "ArrowUp") move(-1);
    else if (e.key === "Enter") {
      if (timer !== undefined) {
        // typed faster than the debounce: search now, then choose the first hit
        window.clearTimeout(timer);
        timer = undefined;
        void runSearch(query.value).then(() => choose(hits.value[active.value]));
      } else void choose(hits.value[active.value]);
    } else return;
    e.preventDefault();
  }

  return { query, hits, total, searched, error, active, onKey };
}
