// The dashboard's entry: the routes and the router.
import { flowsPage } from "./pages/flows";
import { orgPage } from "./pages/org";
import { orgsPage } from "./pages/orgs";
import { personPage } from "./pages/person";
import { teamPage } from "./pages/team";
import { route, start } from "./router";

const kSlug = "([^/]+)";
route(/^\/$/, orgsPage);
route(new RegExp(`^/orgs/${kSlug}$`), orgPage);
route(new RegExp(`^/orgs/${kSlug}/teams/${kSlug}$`), teamPage);
route(new RegExp(`^/orgs/${kSlug}/flows$`), flowsPage);
route(new RegExp(`^/people/${kSlug}$`), personPage);
start();
