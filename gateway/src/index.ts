export { gatewayService, gatewayPort, type GatewayServiceOptions } from "./gateway.service.ts";
export { openApiDocument } from "./application/openapi.ts";
export { API_ROUTES, type ApiRoute } from "./domain/api-routes.ts";
export { requestLimits, requestLimitsFor, type RequestLimits } from "./adapters/rate-limit.ts";
export { memoryCounterStore, redisCounterStore, type CounterStore } from "./adapters/rate-limit-store.ts";
