export { gatewayService, gatewayPort, type GatewayServiceOptions } from "./gateway.service.ts";
export { openApiDocument } from "./openapi.ts";
export { API_ROUTES, type ApiRoute } from "./api-routes.ts";
