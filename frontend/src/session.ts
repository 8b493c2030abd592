/** Who is logged in, shared by every page (one reactive object, no store library needed). */
import { reactive } from "vue";
import { api, type Me } from "./api/client";

export const session = reactive<{ me: Me | null; checked: boolean }>({ me: null, checked: false });

export async function loadMe(): Promise<Me | null> {
  try {
    session.me = await api.me();
  } catch {
    session.me = null;
  }
  session.checked = true;
  return session.me;
}
