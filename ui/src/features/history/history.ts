// Loading a record's 变更历史 whenever the record is (re)loaded, ignoring answers for a record
// the page has moved away from.
import { ref, watch, type Ref, type WatchSource } from "vue";
import type { ChangeEntry } from "../../bindings/ChangeEntry";
import { showError } from "../../shared/errors";

export function useChangeHistory(
  record: WatchSource<{ id: string }>,
  load: (id: string) => Promise<ChangeEntry[]>,
): Ref<ChangeEntry[]> {
  const entries = ref<ChangeEntry[]>([]);
  let current = "";
  watch(
    record,
    async (r) => {
      current = r.id;
      try {
        const h = await load(r.id);
        if (current === r.id) entries.value = h;
      } catch (err: unknown) {
        showError(err);
      }
    },
    { immediate: true },
  );
  return entries;
}
