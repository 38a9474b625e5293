// The lists of the Sync page (conflicts, duplicate claims, history): loading, the load error,
// reloading after each exchange, and one row action at a time.
import { onMounted, ref, shallowRef, watch, type Ref } from "vue";
import { showError } from "../../shared/errors";
import { syncVersion } from "./sync";

/** What SyncListFrame shows of a list. */
export interface SyncList {
  rows: Ref<readonly unknown[]>;
  all: Ref<boolean>;
  loading: Ref<boolean>;
  loadError: Ref<unknown>;
}

export function useSyncList<T>(fetch: (all: boolean) => Promise<T[]>, withAll = true) {
  const rows: Ref<T[]> = shallowRef<T[]>([]);
  /** Show the settled ones too. */
  const all = ref(false);
  const loading = ref(false);
  const loadError = ref<unknown>(null);
  /** The id of the row whose action is running. */
  const busy = ref<string | null>(null);

  async function load(): Promise<void> {
    loading.value = true;
    try {
      rows.value = await fetch(all.value);
      loadError.value = null;
    } catch (err: unknown) {
      loadError.value = err;
    } finally {
      loading.value = false;
    }
  }

  /** Run a row's action unless one is running; a failure is shown as an error message. */
  async function act(id: string, run: () => Promise<void>): Promise<void> {
    if (busy.value !== null) return;
    busy.value = id;
    try {
      await run();
    } catch (err: unknown) {
      showError(err);
    } finally {
      busy.value = null;
    }
  }

  if (withAll) watch([all, syncVersion], () => void load());
  else watch(syncVersion, () => void load());
  onMounted(() => void load());

  return { rows, all, loading, loadError, busy, load, act };
}
