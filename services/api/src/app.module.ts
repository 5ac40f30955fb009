import { DynamicModule, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import type { EventLog } from '@skein/events';
import type { AuthService } from './auth/auth.service';
import { Rbac } from './auth/rbac';
import { Actions } from './engine/actions';
import type { ConfigService } from './engine/config-service';
import { ActionsController } from './rest/actions.controller';
import { IpamController } from './rest/ipam.controller';
import { ObservabilityController } from './rest/observability';
import { ResourcesController } from './rest/resources.controller';
import { ACTIONS, AUTH_SERVICE, CONFIG_SERVICE, EVENT_LOG } from './rest/tokens';
import { WatchController } from './watch/watch.controller';

export interface ApiDeps {
  svc: ConfigService;
  auth: AuthService;
  events: EventLog;
}

@Module({})
export class ApiModule {
  static forRoot(deps: ApiDeps): DynamicModule {
    return {
      module: ApiModule,
      imports: [TerminusModule],
      // Order matters: specific paths before the generic `/:collection` and `/:type/:uuid` routes.
      controllers: [
        ObservabilityController,
        WatchController,
        ActionsController,
        IpamController,
        ResourcesController,
      ],
      providers: [
        { provide: CONFIG_SERVICE, useValue: deps.svc },
        { provide: AUTH_SERVICE, useValue: deps.auth },
        { provide: EVENT_LOG, useValue: deps.events },
        { provide: ACTIONS, useValue: new Actions(deps.svc) },
        Rbac,
      ],
    };
  }
}
