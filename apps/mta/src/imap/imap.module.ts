import { Module } from '@nestjs/common';
import { AccountsModule } from '@postern/accounts';
import { DomainsModule } from '@postern/domains';
import { MailstoreModule } from '@postern/mailstore';
import { ImapAccountAuthenticator } from './imap-auth';
import { AccountSasl } from '../auth/account-sasl';
import { ImapListenersService } from './imap-listeners.service';

/** IMAP: the listeners over libs/imap, with the mail store and the account password check. */
@Module({
  imports: [AccountsModule, DomainsModule, MailstoreModule],
  providers: [AccountSasl, ImapAccountAuthenticator, ImapListenersService],
  exports: [ImapListenersService],
})
export class ImapModule {}
