export { gatewayService, gatewayPort, type GatewayServiceOptions } from "./gateway.service.ts";
export { openApiDocument } from "./application/openapi.ts";
export { API_ROUTES, type ApiRoute } from "./domain/api-routes.ts";
