import { describe, expect, it } from "vitest";
import { pageTitle } from "./format";

describe("pageTitle", () => {
  it("names the page, then the project, then the app", () => {
    expect(pageTitle("Annotate", "aleppo")).toBe("Annotate · aleppo · Annotator");
  });
  it("leaves out what a page does not have", () => {
    expect(pageTitle("Projects", undefined)).toBe("Projects · Annotator");
    expect(pageTitle(undefined, undefined)).toBe("Annotator");
  });
});
