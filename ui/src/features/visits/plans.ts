// Visit plans: the actions the Visits page and the dossier share.
import type { VisitPlan } from "../../bindings/VisitPlan";
import { visitPlanCancel } from "../../api";
import { i18n } from "../../i18n";
import { showError } from "../../shared/errors";

/** Cancel a plan and say so; a failure is shown as an error message. True when cancelled. */
export async function cancelVisitPlan(p: VisitPlan): Promise<boolean> {
  try {
    await visitPlanCancel(p.id);
    ElMessage.success(i18n.global.t("plan.cancelled"));
    return true;
  } catch (err: unknown) {
    showError(err);
    return false;
  }
}
