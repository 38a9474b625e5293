// Who is signed in to the window, and the idle lock. The core keeps the gate (every command but
// the sign-in screen's is refused until someone signs in); this module only follows it: the
// shell shows the sign-in screen, the pages, or the pages under the lock overlay.
import { ref } from "vue";
import type { User } from "../../bindings/User";
import { signIn, signOut } from "../../api";

/** loading: asking the core; signed-out: the sign-in screen; locked: the pages under the lock. */
export type Phase = "loading" | "signed-out" | "signed-in" | "locked";

export const phase = ref<Phase>("loading");
/** The person signed in (kept while locked: only they may unlock). */
export const me = ref<User | null>(null);
/** Why the window is locked: no input for a while, or the 锁定 button. */
export const lockReason = ref<"idle" | "manual">("idle");

let idleMinutes = 15;
let lastInput = Date.now();
let timer: number | undefined;
const INPUT_EVENTS = ["mousemove", "mousedown", "keydown", "wheel", "touchstart"] as const;

function onInput(): void {
  lastInput = Date.now();
}

function checkIdle(): void {
  if (phase.value === "signed-in" && Date.now() - lastInput >= idleMinutes * 60_000) void lock("idle");
}

/** Minutes without input before the window locks itself (from sign_in_state or Settings). */
export function setIdleMinutes(minutes: number): void {
  idleMinutes = minutes;
}

/** Someone signed in (the sign-in screen, or the window opened on a session still signed in). */
export function signedIn(user: User, idleLockMinutes: number): void {
  me.value = user;
  idleMinutes = idleLockMinutes;
  lastInput = Date.now();
  phase.value = "signed-in";
  if (timer !== undefined) return;
  for (const name of INPUT_EVENTS) window.addEventListener(name, onInput, { capture: true, passive: true });
  timer = window.setInterval(checkIdle, 5_000);
}

/** Sign out in the core and cover the pages; nothing on them is unmounted. */
export async function lock(reason: "idle" | "manual"): Promise<void> {
  if (phase.value !== "signed-in") return;
  lockReason.value = reason;
  phase.value = "locked";
  try {
    await signOut();
  } catch {
    // the overlay is up either way; unlocking signs in again
  }
}

/** The same person's password lifts the lock. */
export async function unlock(password: string): Promise<void> {
  const who = me.value;
  if (who === null) throw new Error("nobody to unlock for");
  me.value = await signIn(who.id, password);
  lastInput = Date.now();
  phase.value = "signed-in";
}

/** 退出登录 / 切换用户: sign out and start the window afresh at the sign-in screen. */
export async function switchUser(): Promise<void> {
  try {
    await signOut();
  } finally {
    window.history.replaceState(null, "", "#/");
    window.location.reload();
  }
}
