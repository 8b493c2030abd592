import { describe, expect, it } from "vitest";
import { cursorOf, given } from "./browser";

describe("the document browser's query helpers", () => {
  it("leaves empty filters out, since the API refuses a parameter given empty", () => {
    expect(given({ q: "alep", status: "", has_gold: "true", annotator: "" })).toEqual({ q: "alep", has_gold: "true" });
  });

  it("reads the next page's cursor from a `next` link, keyset tokens of other orders included", () => {
    expect(cursorOf("http://example.org/api/projects/p/documents/?cursor=42&page_size=50")).toBe("42");
    const token = "2026-12-03T10:00:00+00:00~7";
    expect(cursorOf(`/api/projects/p/documents/?ordering=-created&cursor=${encodeURIComponent(token)}`)).toBe(token);
    expect(cursorOf(null)).toBeNull();
  });
});
