import { describe, expect, it } from "vitest";
import { listKey } from "./keymap";

const key = (init: Partial<KeyboardEvent> & { key: string }) =>
  ({ ctrlKey: false, metaKey: false, altKey: false, shiftKey: false, ...init }) as KeyboardEvent;

describe("a key in a list mode (linking, suggested relations)", () => {
  it("moves on with Tab, the right and down arrows, back with Shift+Tab, left and up", () => {
    expect(["Tab", "ArrowRight", "ArrowDown"].map((k) => listKey(key({ key: k })).move)).toEqual([1, 1, 1]);
    expect(listKey(key({ key: "Tab", shiftKey: true })).move).toBe(-1);
    expect(["ArrowLeft", "ArrowUp"].map((k) => listKey(key({ key: k })).move)).toEqual([-1, -1]);
  });

  it("does not move with Ctrl, Meta or Alt held, nor with another key", () => {
    expect(listKey(key({ key: "Tab", ctrlKey: true })).move).toBe(0);
    expect(listKey(key({ key: "ArrowRight", metaKey: true })).move).toBe(0);
    expect(listKey(key({ key: "ArrowRight", altKey: true })).plain).toBe(false);
    expect(listKey(key({ key: "Enter" })).move).toBe(0);
  });

  it("takes a modifier pressed on its own for no key yet", () => {
    expect(["Shift", "Control", "Alt", "Meta"].every((k) => listKey(key({ key: k })).modifierOnly)).toBe(true);
    expect(listKey(key({ key: "r" })).modifierOnly).toBe(false);
  });
});
