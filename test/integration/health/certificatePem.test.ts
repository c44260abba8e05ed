import { describeCertificateHealth } from './certificateScenarios';

describeCertificateHealth('pem');
