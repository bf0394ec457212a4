import { Module } from '@nestjs/common';
import { AddressesService } from './addresses.service';
import { AliasesService } from './aliases.service';
import { DomainsService } from './domains.service';

@Module({
  providers: [DomainsService, AddressesService, AliasesService],
  exports: [DomainsService, AddressesService, AliasesService],
})
export class DomainsModule {}
