import { createRouter, createWebHistory } from "vue-router";
import { onUnauthenticated } from "./api/client";
import { pageTitle } from "./format";
import { loadMe, session } from "./session";

export const router = createRouter({
  history: createWebHistory("/"),
  routes: [
    { path: "/", redirect: "/projects" },
    { path: "/login", component: () => import("./pages/LoginPage.vue"), meta: { public: true, title: "Log in" } },
    { path: "/join/:token", component: () => import("./pages/JoinPage.vue"), props: true, meta: { public: true, title: "Join" } },
    { path: "/account", component: () => import("./pages/AccountPage.vue"), meta: { title: "Your account" } },
    { path: "/people", component: () => import("./pages/PeoplePage.vue"), meta: { title: "People" } },
    { path: "/projects", component: () => import("./pages/ProjectsPage.vue"), meta: { title: "Projects" } },
    { path: "/projects/new", component: () => import("./pages/NewProjectPage.vue"), meta: { title: "New project" } },
    { path: "/projects/:slug", component: () => import("./pages/ProjectPage.vue"), props: true, meta: { title: "Overview" } },
    { path: "/projects/:slug/settings", component: () => import("./pages/SettingsPage.vue"), props: true, meta: { title: "Settings" } },
    { path: "/projects/:slug/annotate/:docId?", component: () => import("./pages/AnnotatePage.vue"), props: true, meta: { title: "Annotate" } },
    { path: "/projects/:slug/documents", component: () => import("./pages/DocumentsPage.vue"), props: true, meta: { title: "Documents" } },
    { path: "/projects/:slug/review", component: () => import("./pages/ReviewListPage.vue"), props: true, meta: { title: "Review" } },
    { path: "/projects/:slug/review/:docId", component: () => import("./pages/ReviewPage.vue"), props: true, meta: { title: "Review" } },
    { path: "/projects/:slug/models", component: () => import("./pages/ModelsPage.vue"), props: true, meta: { title: "Models" } },
    { path: "/projects/:slug/agreement", component: () => import("./pages/AgreementPage.vue"), props: true, meta: { title: "Agreement" } },
    { path: "/projects/:slug/data", component: () => import("./pages/DataPage.vue"), props: true, meta: { title: "Data" } },
    { path: "/:rest(.*)*", component: () => import("./pages/NotFoundPage.vue"), meta: { title: "Not found" } },
  ],
});

router.beforeEach(async (to) => {
  if (!session.checked) await loadMe();
  if (!to.meta.public && !session.me) return { path: "/login", query: { next: to.fullPath } };
  return true;
});

router.afterEach((to) => {
  document.title = pageTitle(to.meta.title, to.params.slug);
});

onUnauthenticated.handler = () => {
  session.me = null;
  const here = router.currentRoute.value;
  // The first auth/me/ (the guard's) runs before any route is current: the guard decides.
  if (session.checked && !here.meta.public) router.push({ path: "/login", query: { next: here.fullPath } });
};
