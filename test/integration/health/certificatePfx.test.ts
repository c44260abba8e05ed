import { describeCertificateHealth } from './certificateScenarios';

describeCertificateHealth('pfx');
